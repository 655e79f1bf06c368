import { EventStoreError } from '../core/event-store.error';

/**
 * The caller asked to change a resource only if it is still at one of the versions it names
 * (HTTP `If-Match`), and it is not. Nothing was written; `currentVersion` tells the caller what
 * to reload.
 */
export class PreconditionFailedError extends EventStoreError {
  readonly code = 'PRECONDITION_FAILED';
  readonly kind = 'precondition_failed';

  constructor(
    readonly resourceId: string,
    readonly expectedVersions: readonly number[],
    readonly currentVersion: number,
  ) {
    super(
      expectedVersions.length === 0
        ? `${resourceId} is at version ${currentVersion}; the condition names no version it can be at.`
        : `${resourceId} is at version ${currentVersion}, not ${expectedVersions.join(' or ')} as required.`,
      { id: resourceId, expectedVersions: [...expectedVersions], currentVersion },
    );
  }
}
