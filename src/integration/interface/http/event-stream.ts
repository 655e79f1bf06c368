import { once } from 'node:events';
import type { Response } from 'express';
import type { ChangeFeed, FeedRequest } from '../../application/change-feed';
import type { ServerSentEventSettings } from '../../application/integration-settings';
import type { OutgoingEvent } from '../../application/outgoing-event';
import { sleep } from '../../application/sleep';

/** Events read per round; a round waits up to this long for the next events. */
const BATCH = 100;
const WAIT_SECONDS = 15;
/**
 * Pause after a batch smaller than a full one before reading on: while writes keep coming, each
 * read then brings the events of this long instead of one or two.
 */
const LINGER_MS = 20;

/** One event in the `text/event-stream` format: `id` is its position, `event` its type. */
export function serverSentEvent(event: OutgoingEvent): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams the feed to a client that has already been given the first page (so a bad position
 * was refused as a problem before the stream began). Heartbeat comments keep proxies from
 * closing an idle stream. Writes are paced by the client: nothing more is read from the log
 * while the socket's buffer is full, and a client that takes nothing for
 * `slowReaderTimeoutMs` is disconnected, so a slow reader costs at most one batch of memory.
 */
export async function streamEvents(
  feed: ChangeFeed,
  response: Response,
  request: Omit<FeedRequest, 'limit' | 'waitSeconds'> & { signal: AbortSignal },
  first: OutgoingEvent[],
  settings: ServerSentEventSettings,
): Promise<'closed' | 'slow' | 'shutdown'> {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  const heartbeat = setInterval(() => {
    if (response.writableLength === 0) response.write(': heartbeat\n\n');
  }, settings.heartbeatMs);
  try {
    let after = request.after;
    let events = first;
    for (;;) {
      if (events.length > 0) {
        const fits = response.write(events.map(serverSentEvent).join(''));
        after = events.at(-1)?.position ?? after;
        if (!fits && !(await drained(response, settings.slowReaderTimeoutMs, request.signal))) {
          if (request.signal.aborted) return 'closed';
          response.destroy();
          return 'slow';
        }
      }
      if (events.length > 0 && events.length < BATCH) {
        await sleep(LINGER_MS, request.signal, feed.shutdown);
      }
      if (request.signal.aborted) return 'closed';
      if (feed.shutdown.aborted) return 'shutdown';
      const page = await feed.read({ ...request, after, limit: BATCH, waitSeconds: WAIT_SECONDS });
      events = page.items;
    }
  } finally {
    clearInterval(heartbeat);
    if (!response.destroyed) response.end();
  }
}

/** Whether the client took what was written within `timeoutMs`. */
async function drained(response: Response, timeoutMs: number, signal: AbortSignal) {
  const settled = new AbortController();
  const stop = AbortSignal.any([settled.signal, signal]);
  const took = once(response, 'drain', { signal: stop }).then(
    () => true,
    () => false,
  );
  const late = sleep(timeoutMs, stop).then(() => false);
  const result = await Promise.race([took, late]);
  settled.abort();
  return result;
}
