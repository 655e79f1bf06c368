import type { Event, RecordedEvent } from '../core/event';
import type { SqlTransaction } from '../core/inline-projection';

/** An event read from the global log, with where it stands in it. */
export type PositionedEvent<E extends Event = Event> = RecordedEvent<E> & {
  /** The tenant the event belongs to; the handler's writes land in it. */
  tenantId: string;
  /** Unique across the log; grows with each append, but commits may make it visible out of order. */
  globalPosition: number;
  /** The id (xid8, as text) of the transaction that appended the event. */
  transactionId: string;
  /** The schema version the event was stored with; `data` has already been upcast to the current one. */
  schemaVersion: number;
};

/**
 * A reader of the global log that runs outside the appending transaction: a projection with
 * its own tables, or a subscriber with side effects in the database.
 *
 * The runner calls `handle` with batches of events of `eventTypes` (and of `streamTypes`, when
 * given), in log order, inside a
 * transaction that also moves the subscription's checkpoint: the handler's writes and the
 * checkpoint commit together, so each event takes effect exactly once. Each call gets events
 * of one tenant, with that tenant set on the transaction: the handler writes tenant tables as
 * it would for a request of that tenant, and cannot write another tenant's rows. A handler that throws
 * rolls back its batch; it is retried with backoff and the event is parked in the dead letters
 * after the last attempt, which stops this subscription only.
 */
export interface EventSubscription<E extends Event = Event> {
  /** A unique, stable name: the checkpoint's key. Lowercase letters, digits and `_`. */
  readonly name: string;
  /**
   * Event types this subscription wants; it is not called for others. `'all'` is for relays
   * that pass the whole log on (a broker publisher), whatever types are added later.
   */
  readonly eventTypes: readonly E['type'][] | 'all';
  /** Stream types this subscription wants (default: every type); it is not called for others. */
  readonly streamTypes?: readonly string[];
  /**
   * The tables the handler writes, unqualified, in the current schema. When set, the
   * subscription can be rebuilt: the handler then runs against shadow copies of these tables
   * (found first on the `search_path`), so it must name them without a schema.
   */
  readonly tables?: readonly string[];
  handle(transaction: SqlTransaction, events: readonly PositionedEvent<E>[]): Promise<void>;
}

const NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** Where modules register their subscriptions, usually from `onModuleInit`. */
export class SubscriptionRegistry {
  private readonly subscriptions = new Map<string, EventSubscription>();

  /** @throws Error when the name is malformed or already taken. */
  register<E extends Event>(subscription: EventSubscription<E>): void {
    if (!NAME.test(subscription.name)) {
      throw new Error(
        `Subscription name "${subscription.name}" must be 1-48 lowercase letters, digits or _, starting with a letter.`,
      );
    }
    if (this.subscriptions.has(subscription.name)) {
      throw new Error(`A subscription named "${subscription.name}" is already registered.`);
    }
    this.subscriptions.set(subscription.name, subscription);
  }

  /** Every registered subscription, in registration order. */
  all(): EventSubscription[] {
    return [...this.subscriptions.values()];
  }

  /** The subscription registered under `name`, if any. */
  find(name: string): EventSubscription | undefined {
    return this.subscriptions.get(name);
  }
}
