import { InitialSchema1764230400000 } from './1764230400000-initial-schema';
import { IdempotencyKeys1764230500000 } from './1764230500000-idempotency-keys';
import { GlobalOrderAndSubscriptions1764230600000 } from './1764230600000-global-order-and-subscriptions';
import { NotifyOncePerBurst1764230700000 } from './1764230700000-notify-once-per-burst';
import { StreamTypesAndSnapshots1764230800000 } from './1764230800000-stream-types-and-snapshots';
import { IdempotencyOutcomes1764230900000 } from './1764230900000-idempotency-outcomes';
import { Tenants1764231000000 } from './1764231000000-tenants';
import { DeadLetterTenants1764231400000 } from './1764231400000-dead-letter-tenants';

/**
 * The event store's tables: the log, its global order and notifications, subscription
 * checkpoints, dead letters and rebuild state, snapshots, and the idempotency records that commit
 * with appends; tenants and row-level security on the log, snapshots, idempotency records and dead letters.
 */
export const EVENT_STORE_MIGRATIONS = [
  InitialSchema1764230400000,
  IdempotencyKeys1764230500000,
  GlobalOrderAndSubscriptions1764230600000,
  NotifyOncePerBurst1764230700000,
  StreamTypesAndSnapshots1764230800000,
  IdempotencyOutcomes1764230900000,
  Tenants1764231000000,
  DeadLetterTenants1764231400000,
];
