import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { currentTenant } from '../../../shared/application/request-context';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';
import { nextLink } from '../../../shared/interface/http/next-link';
import { problemType } from '../../../shared/interface/http/problem-details';
import { ChangeFeed, FEED_LIMIT_DEFAULT } from '../../application/change-feed';
import type { FeedPage } from '../../application/change-feed';
import { EventFeedQueryDto } from './dto/event-feed.query.dto';
import { EventFeedPageDto } from './dto/event-feed.response.dto';

export const POSITION_UNKNOWN = {
  type: problemType('event-position-unknown'),
  title: 'Event position unknown',
  status: 400,
  detail: 'No event has position 99999: resume after a position this feed gave you, or 0.',
  instance: '/events?after=99999',
  code: 'EVENT_POSITION_UNKNOWN',
  field: 'after',
  position: 99999,
};

/** Aborted when the client closes the connection before the answer is sent. */
export function clientGone(request: Request, response: Response): AbortSignal {
  const controller = new AbortController();
  request.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * The change feed: the tenant's events in the log's gap-safe order, for clients that integrate
 * by following changes instead of polling the resources.
 */
@ApiTags('events')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('events')
export class EventsController {
  constructor(private readonly feed: ChangeFeed) {}

  @Get()
  @ApiOperation({
    summary: 'Events in the log’s order, a page at a time (long polling with `wait`)',
    description:
      'Follow `nextAfter` (or the `Link` header) for the next page. Only events of transactions ' +
      'that can no longer be overtaken are served: a slow writer delays the feed, it never ' +
      'makes a reader skip an event, and no reader sees a later event of a stream before an ' +
      'earlier one. With `wait`, an empty page is held until an event arrives or the seconds ' +
      'have passed.',
  })
  @ApiOkResponse({
    type: EventFeedPageDto,
    headers: {
      Link: {
        description: '`<…?after=…>; rel="next"` when the page is full.',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblem(400, 'Invalid query parameters, or an `after` that names no event.', [
    P.validation,
    POSITION_UNKNOWN,
  ])
  async list(
    @Query() query: EventFeedQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FeedPage> {
    const limit = query.limit ?? FEED_LIMIT_DEFAULT;
    const page = await this.feed.read({
      tenant: currentTenant(),
      after: query.after ?? 0,
      limit,
      types: query.types ?? [],
      streamTypes: query.streamTypes ?? [],
      waitSeconds: query.wait ?? 0,
      signal: clientGone(request, response),
    });
    if (page.items.length === limit) {
      response.setHeader(
        'Link',
        nextLink('/events', {
          after: page.nextAfter,
          limit: query.limit,
          types: query.types?.join(','),
          streamTypes: query.streamTypes?.join(','),
        }),
      );
    }
    return page;
  }
}
