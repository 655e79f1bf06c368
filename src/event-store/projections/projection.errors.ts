import { EventStoreError } from '../core/event-store.error';

/** No inline projection or subscription has this name. */
export class ProjectionNotFoundError extends EventStoreError {
  readonly code = 'PROJECTION_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(
      `No projection named "${projection}". Known: ${known.length > 0 ? known.join(', ') : 'none'}.`,
      { projection },
    );
  }
}

/** The projection exists but cannot do what was asked (for example, it declares no tables). */
export class ProjectionNotRebuildableError extends EventStoreError {
  readonly code = 'PROJECTION_NOT_REBUILDABLE';
  readonly kind = 'invalid';

  constructor(
    readonly projection: string,
    reason: string,
  ) {
    super(`Projection "${projection}" cannot be rebuilt: ${reason}`, { projection });
  }
}

/** Another process is rebuilding the same projection right now. */
export class ProjectionRebuildInProgressError extends EventStoreError {
  readonly code = 'PROJECTION_REBUILD_IN_PROGRESS';
  readonly kind = 'conflict';

  constructor(readonly projection: string) {
    super(`Projection "${projection}" is being rebuilt by another process; try again later.`, {
      projection,
    });
  }
}

/** `resume` on a subscription that is not parked. */
export class ProjectionNotParkedError extends EventStoreError {
  readonly code = 'PROJECTION_NOT_PARKED';
  readonly kind = 'conflict';

  constructor(readonly projection: string) {
    super(`Subscription "${projection}" is not parked; there is nothing to resume.`, {
      projection,
    });
  }
}
