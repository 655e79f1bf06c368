/**
 * What sort of failure an event-store error is. Adapters translate it (HTTP: 400, 404, 409, 412,
 * 422, 503), so the store stays free of transport concerns and of any other module's error types.
 */
export type EventStoreErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  /** The caller's condition on the stream (the versions it accepts) is false. */
  | 'precondition_failed'
  /** Well-formed, but cannot be processed as asked (e.g. a reused idempotency key). */
  | 'unprocessable'
  /** Too contended to serve right now; nothing was done and a retry later may succeed. */
  | 'busy';

/**
 * Base of every error the event store raises on purpose. `code` is stable and part of the public
 * contract: adapters (HTTP, CLI) map it to their own error shapes.
 */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  abstract readonly kind: EventStoreErrorKind;

  constructor(
    message: string,
    /** Extra machine-readable facts about the failure, safe to show to a client. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
