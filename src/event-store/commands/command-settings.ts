/** How the generic command handler behaves under contention and for idempotent retries. */
export type CommandSettings = {
  /** How long a stored idempotency record is replayed, in seconds. */
  idempotencyKeyTtlSeconds: number;
  /**
   * How long a write without an expected version may wait for its turn on a busy stream and
   * keep retrying lost races before it gives up with `StreamBusyError`, in milliseconds.
   */
  busyTimeoutMs: number;
  /** Appends a write without an expected version tries before it gives up. */
  maxAttempts: number;
  /** Concurrent reads of a past version (time travel) per process; more wait their turn. */
  maxConcurrentPastReads: number;
};

export const DEFAULT_COMMAND_SETTINGS: CommandSettings = {
  idempotencyKeyTtlSeconds: 24 * 60 * 60,
  busyTimeoutMs: 5_000,
  maxAttempts: 12,
  maxConcurrentPastReads: 4,
};

/** Nest token of the settings; optional (the defaults apply without it). */
export const COMMAND_SETTINGS = Symbol('COMMAND_SETTINGS');
