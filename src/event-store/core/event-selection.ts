import type { RecordedEvent } from './event';

/** Which events a projection or subscription wants. */
export type EventSelection = {
  /** Event types it wants, or `'all'` (a relay of the whole log); it is not called for others. */
  readonly eventTypes: readonly string[] | 'all';
  /**
   * Stream types it wants, in addition to the event types (default: streams of every type).
   * Two aggregates may both raise, say, a `Deleted` event; this tells them apart.
   */
  readonly streamTypes?: readonly string[];
};

/** A test for "does `selection` want this event", built once per batch or per registration. */
export function selecting(selection: EventSelection): (event: RecordedEvent) => boolean {
  const eventTypes = selection.eventTypes === 'all' ? undefined : new Set(selection.eventTypes);
  const streamTypes = selection.streamTypes && new Set<string>(selection.streamTypes);
  return (event) =>
    (eventTypes === undefined || eventTypes.has(event.type)) &&
    (streamTypes === undefined || streamTypes.has(event.streamType));
}
