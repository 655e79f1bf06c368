import { EventStoreError } from './event-store.error';

/**
 * The stream was not at the version the writer expected: somebody else appended first, or the
 * caller's view was stale. Nothing of the failed append was written.
 */
export class ConcurrencyError extends EventStoreError {
  readonly code = 'CONCURRENCY_CONFLICT';
  readonly kind = 'conflict';

  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | undefined,
  ) {
    super(
      `Stream ${streamId} was expected at version ${expectedVersion}` +
        (actualVersion === undefined ? '' : ` but is at version ${actualVersion}`) +
        '; it was changed concurrently.',
      { streamId, expectedVersion, ...(actualVersion === undefined ? {} : { actualVersion }) },
    );
  }
}

/**
 * An append named a stream type other than the one the stream already has. Ids of different
 * aggregates share one namespace, so this is a caller's mistake (or a colliding id), never a
 * race; nothing of the failed append was written.
 */
export class StreamTypeMismatchError extends EventStoreError {
  readonly code = 'STREAM_TYPE_MISMATCH';
  readonly kind = 'conflict';

  constructor(
    readonly streamId: string,
    readonly expectedStreamType: string,
    readonly actualStreamType: string,
  ) {
    super(
      `Stream ${streamId} is a "${actualStreamType}" stream; it cannot take events as a "${expectedStreamType}" stream.`,
      { streamId, expectedStreamType, actualStreamType },
    );
  }
}
