import { ActivityTables1764230600001 } from '../../activity/infrastructure/migrations/1764230600001-activity-tables';
import { ActivityReopenDelete1764230900002 } from '../../activity/infrastructure/migrations/1764230900002-activity-reopen-delete';
import { TodoTombstones1764230900001 } from '../../todo/infrastructure/migrations/1764230900001-todo-tombstones';
import { StreamTypesAndSnapshots1764230800000 } from './1764230800000-stream-types-and-snapshots';
import { InitialSchema1764230400000 } from './1764230400000-initial-schema';
import { IdempotencyKeys1764230500000 } from './1764230500000-idempotency-keys';
import { GlobalOrderAndSubscriptions1764230600000 } from './1764230600000-global-order-and-subscriptions';
import { NotifyOncePerBurst1764230700000 } from './1764230700000-notify-once-per-burst';
import { IdempotencyOutcomes1764230900000 } from '../../event-store';

/** Every schema migration, oldest first. Modules keep their own migration classes beside them. */
export const migrations = [
  InitialSchema1764230400000,
  IdempotencyKeys1764230500000,
  GlobalOrderAndSubscriptions1764230600000,
  ActivityTables1764230600001,
  NotifyOncePerBurst1764230700000,
  StreamTypesAndSnapshots1764230800000,
  IdempotencyOutcomes1764230900000,
  TodoTombstones1764230900001,
  ActivityReopenDelete1764230900002,
];
