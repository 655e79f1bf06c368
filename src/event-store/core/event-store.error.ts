/**
 * What sort of failure an event-store error is. Adapters translate it (HTTP: 400, 404, 409), so
 * the store stays free of transport concerns and of any other module's error types.
 */
export type EventStoreErrorKind = 'invalid' | 'not_found' | 'conflict';

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
