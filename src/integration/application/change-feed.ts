import { Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown } from '@nestjs/common';
import { EventLog } from '../../event-store';
import { DomainError } from '../../shared/domain/domain-error';
import { outgoingEvent } from './outgoing-event';
import { sleep } from './sleep';
import type { EventFilter, OutgoingEvent } from './outgoing-event';

export const FEED_LIMIT_DEFAULT = 100;
export const FEED_LIMIT_MAX = 1000;
export const FEED_WAIT_MAX_SECONDS = 30;

/** First and longest pause between two reads while a long poll waits for events. */
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 500;

export type FeedRequest = EventFilter & {
  tenant: string;
  /** The position of the last event the reader has; 0 for the start of the log. */
  after: number;
  limit: number;
  /** Wait up to this long for a first event when there is none yet (0: answer at once). */
  waitSeconds: number;
  /** Stops waiting (the client went away); what was found so far is returned. */
  signal?: AbortSignal;
};

export type FeedPage = {
  items: OutgoingEvent[];
  /** Where to continue: the last item's position, or `after` again when there was none. */
  nextAfter: number;
};

/** `after` names no event this reader could have been given. */
export class EventPositionUnknownError extends DomainError {
  readonly code = 'EVENT_POSITION_UNKNOWN';
  readonly kind = 'invalid';

  constructor(position: number) {
    super(`No event has position ${position}: resume after a position this feed gave you, or 0.`, {
      field: 'after',
      position,
    });
  }
}

/**
 * The tenant's events in the log's gap-safe order, a page at a time, optionally waiting for the
 * next ones (long polling). Every read stops below the oldest transaction still running, so a
 * reader that resumes after its last position never skips an event, whatever commits late.
 */
@Injectable()
export class ChangeFeed implements BeforeApplicationShutdown {
  private readonly closing = new AbortController();

  constructor(private readonly log: EventLog) {}

  async read(request: FeedRequest): Promise<FeedPage> {
    const deadline = Date.now() + request.waitSeconds * 1000;
    let pause = POLL_FIRST_MS;
    for (;;) {
      const events = await this.log.read({
        after: request.after,
        limit: request.limit,
        eventTypes: request.types,
        streamTypes: request.streamTypes,
      });
      if (events === undefined) throw new EventPositionUnknownError(request.after);
      const left = deadline - Date.now();
      if (events.length > 0 || left <= 0 || this.stopped(request.signal)) {
        const items = events.map(outgoingEvent);
        return { items, nextAfter: items.at(-1)?.position ?? request.after };
      }
      await sleep(Math.min(pause, left), this.closing.signal, request.signal);
      pause = Math.min(pause * 2, POLL_MAX_MS);
    }
  }

  /** The position of the last event a reader can see now (0 when the log is empty). */
  async head(): Promise<number> {
    return (await this.log.head()).position;
  }

  /** A long poll in progress answers with what it has rather than hold the shutdown up. */
  beforeApplicationShutdown(): void {
    this.closing.abort();
  }

  /** Aborted when the application shuts down, for other waiting readers of the log. */
  get shutdown(): AbortSignal {
    return this.closing.signal;
  }

  private stopped(signal: AbortSignal | undefined): boolean {
    return this.closing.signal.aborted || signal?.aborted === true;
  }
}
