import { EventStoreError } from '../../core/event-store.error';

/** Another request with the same idempotency key is being processed right now. */
export class IdempotencyKeyInFlightError extends EventStoreError {
  readonly code = 'IDEMPOTENCY_KEY_IN_FLIGHT';
  readonly kind = 'conflict';

  constructor() {
    super(
      'A request with this Idempotency-Key is still being processed; retry once it has finished.',
    );
  }
}

/** The idempotency key was already used for a different request. */
export class IdempotencyKeyReusedError extends EventStoreError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'unprocessable';

  constructor() {
    super(
      'This Idempotency-Key was already used for a different request; use a new key for a new request.',
    );
  }
}
