import type { PositionedEvent } from '../../event-store';

/** An event as it leaves the service (feed, server-sent events, webhooks, broker). */
export type OutgoingEvent = {
  /** Where the event stands in the log: resume after it with `after` or `Last-Event-ID`. */
  position: number;
  id: string;
  streamId: string;
  streamType: string;
  /** The stream's version after this event (1-based). */
  sequence: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** When it was recorded, ISO 8601. */
  time: string;
};

export function outgoingEvent(event: PositionedEvent): OutgoingEvent {
  return {
    position: event.globalPosition,
    id: event.eventId,
    streamId: event.streamId,
    streamType: event.streamType,
    sequence: event.sequence,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    time: event.recordedAt.toISOString(),
  };
}

/** Which events a reader wants; empty lists mean "all". */
export type EventFilter = { types: readonly string[]; streamTypes: readonly string[] };

/**
 * A CloudEvents 1.0 event in structured JSON mode. `source` names the tenant and stream type,
 * `subject` the stream; the extensions carry what a receiver needs to order and de-duplicate:
 * `position` (global), `sequence` (in the stream), `streamtype` and `tenant`.
 */
export type CloudEvent = {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
  position: number;
  sequence: number;
  streamtype: string;
  tenant: string;
};

export function cloudEventOf(event: OutgoingEvent, tenant: string): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: `/todo-service/${encodeURIComponent(tenant)}/${encodeURIComponent(event.streamType)}`,
    type: event.type,
    subject: event.streamId,
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data,
    position: event.position,
    sequence: event.sequence,
    streamtype: event.streamType,
    tenant,
  };
}
