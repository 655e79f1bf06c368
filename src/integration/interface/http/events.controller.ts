import { RequiresScope } from '../../../auth/requires-scope.decorator';
import {
  Controller,
  Get,
  Headers,
  HttpException,
  HttpStatus,
  Inject,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
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
import { INTEGRATION_SETTINGS } from '../../application/integration-settings';
import type { IntegrationSettings } from '../../application/integration-settings';
import { StreamSlots } from '../../application/stream-slots';
import { parseDecimalInteger } from '../../../shared/interface/http/validation';
import { RequestValidationError } from '../../../shared/interface/http/request-validation.error';
import { EventFeedQueryDto, EventFilterQueryDto } from './dto/event-feed.query.dto';
import { streamEvents } from './event-stream';
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

const TOO_MANY_STREAMS = {
  type: problemType('too-many-requests'),
  title: 'Too many requests',
  status: 429,
  detail: 'Tenant default has 10 event streams open, the most allowed; close one first.',
  instance: '/events/stream',
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
@RequiresScope('events:read')
@ApiTags('events')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('events')
export class EventsController {
  constructor(
    private readonly feed: ChangeFeed,
    private readonly slots: StreamSlots,
    @Inject(INTEGRATION_SETTINGS) private readonly settings: IntegrationSettings,
  ) {}

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

  @Get('stream')
  @ApiOperation({
    summary: 'Events as server-sent events, from where you left off',
    description:
      'The same events in the same order as `GET /events`, pushed as they commit. Each event ' +
      'has `id:` = its position, `event:` = its type and `data:` = the item as JSON. ' +
      'Reconnect with `Last-Event-ID` (browsers do it for you) to resume without a gap; ' +
      'without it the stream starts at the next event to commit. A comment line is sent as ' +
      'a heartbeat every 15 s. A client that does not read what is sent is disconnected ' +
      'rather than buffered for.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The `id` of the last event received: the stream resumes after it.',
    schema: { type: 'string', pattern: '^[0-9]{1,16}$' },
  })
  @ApiOkResponse({
    description: 'A stream of events (`text/event-stream`), open until the client leaves.',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          'id: 42\nevent: TodoCreated\ndata: {"position":42,"id":"…","streamId":"…",' +
          '"streamType":"todo","sequence":1,"type":"TodoCreated","data":{…},"metadata":{…},' +
          '"time":"2026-11-29T10:00:00.000Z"}\n\n: heartbeat\n\n',
      },
    },
  })
  @ApiProblem(400, 'Invalid query parameters, or a `Last-Event-ID` that names no event.', [
    P.validation,
    { ...POSITION_UNKNOWN, instance: '/events/stream' },
  ])
  @ApiProblem(429, 'The tenant has as many event streams open as allowed.', [TOO_MANY_STREAMS])
  async stream(
    @Query() query: EventFilterQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const tenant = currentTenant();
    const resume = lastEventId === undefined ? undefined : parseDecimalInteger(lastEventId.trim());
    if (lastEventId !== undefined && resume === undefined) {
      throw new RequestValidationError([
        { field: 'Last-Event-ID', messages: ['Last-Event-ID must be the id of an event'] },
      ]);
    }
    const release = this.slots.take(tenant);
    if (!release) {
      throw new HttpException(
        `Tenant ${tenant} has ${this.settings.serverSentEvents.maxStreamsPerTenant} event streams open, the most allowed; close one first.`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    try {
      const signal = clientGone(request, response);
      const filter = { types: query.types ?? [], streamTypes: query.streamTypes ?? [] };
      // Without a place to resume from, the stream starts at the end of the log as it is now.
      const after = resume ?? (await this.feed.head());
      // The first read happens before the stream starts, so a bad position is a plain 400.
      const first = await this.feed.read({ tenant, after, limit: 100, waitSeconds: 0, ...filter });
      await streamEvents(
        this.feed,
        response,
        { tenant, after, signal, ...filter },
        first.items,
        this.settings.serverSentEvents,
      );
    } finally {
      release();
    }
  }
}
