import type { Queryable } from '../../database/database';
import type { Event, RecordedEvent } from './event';

/**
 * Runs SQL inside the transaction that is appending events (or, for subscriptions, the one that
 * moves their checkpoint). A statement given with a name is prepared once per connection and
 * reused: worth it for the statements of every append.
 */
export type SqlTransaction = Queryable;

/**
 * A read model kept in step with the log: `apply` runs inside the appending transaction, so a
 * failure there rolls back the events too.
 */
export interface InlineProjection<E extends Event = Event> {
  /** A unique, stable name (used in logs and errors). */
  readonly name: string;
  /** Event types this projection wants; it is not called for others. */
  readonly eventTypes: readonly E['type'][];
  /** Stream types this projection wants (default: every type); it is not called for others. */
  readonly streamTypes?: readonly string[];
  /**
   * The tables `apply` writes, unqualified, in the current schema; defaults to `[name]`. The
   * projection is rebuilt into shadow copies of them found first on the `search_path`, so
   * `apply` must name its tables without a schema.
   */
  readonly tables?: readonly string[];
  apply(transaction: SqlTransaction, events: readonly RecordedEvent<E>[]): Promise<void>;
}

/** Where modules register their inline projections, usually from `onModuleInit`. */
export class InlineProjectionRegistry {
  private readonly projections = new Map<string, InlineProjection>();

  register<E extends Event>(projection: InlineProjection<E>): void {
    if (this.projections.has(projection.name)) {
      throw new Error(`An inline projection named "${projection.name}" is already registered.`);
    }
    this.projections.set(projection.name, projection);
  }

  /** Every registered projection, in registration order. */
  all(): InlineProjection[] {
    return [...this.projections.values()];
  }

  /** The projections interested in at least one of `eventTypes`, in registration order. */
  interestedIn(eventTypes: ReadonlySet<string>): InlineProjection[] {
    return [...this.projections.values()].filter((projection) =>
      projection.eventTypes.some((type) => eventTypes.has(type)),
    );
  }
}
