// Two-key advisory locks: the first key says what the lock is for, the second is the
// projection's name hashed by PostgreSQL (`hashtext(name)`).

/** Session lock: the one instance running a subscription. */
export const LEADER_LOCK = 741_001;
/** Transaction lock: one batch (or a rebuild's swap) of a subscription at a time. */
export const BATCH_LOCK = 741_002;
/** Session lock: one rebuild of a projection at a time. */
export const REBUILD_LOCK = 741_003;
/**
 * Transaction lock taken by the append trigger: only its holder sends NOTIFY (see the migration
 * `NotifyOncePerBurst`, which spells the key out, as migrations do not change after release).
 */
export const NOTIFY_LOCK = 741_004;
