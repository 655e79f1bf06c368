import { InitialSchema1764230400000 } from './1764230400000-initial-schema';
import { IdempotencyKeys1764230500000 } from './1764230500000-idempotency-keys';

/** Every schema migration, oldest first. */
export const migrations = [InitialSchema1764230400000, IdempotencyKeys1764230500000];
