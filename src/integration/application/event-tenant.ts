import type { PositionedEvent } from '../../event-store';

/** The tenant an event belongs to (recorded with it by the event store). */
export function tenantOf(event: PositionedEvent): string {
  return event.tenantId;
}
