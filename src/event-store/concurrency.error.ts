import { DomainError } from '../shared/domain/domain-error';

/**
 * The stream was not at the version the writer expected: somebody else appended first, or the
 * caller's view was stale. Nothing of the failed append was written.
 */
export class ConcurrencyError extends DomainError {
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
