/** How this process runs the registered subscriptions. */
export type SubscriptionOptions = {
  /** Run subscription workers in this process (off for short-lived processes like the CLI). */
  enabled: boolean;
  /** Fallback polling when no notification arrives, and how often a standby tries to take over. */
  pollIntervalMs: number;
  /** Events read per transaction. */
  batchSize: number;
  /** Attempts for one event before it is parked in the dead letters. */
  maxAttempts: number;
  /** First retry delay; doubled after each failed attempt. */
  retryBaseMs: number;
};

/** What a process uses for every option it is not given. */
export const DEFAULT_SUBSCRIPTION_OPTIONS: SubscriptionOptions = {
  enabled: true,
  pollIntervalMs: 1000,
  batchSize: 100,
  maxAttempts: 5,
  retryBaseMs: 200,
};

/** Injection token for `SubscriptionOptions`; see `EventStoreModule.configure`. */
export const SUBSCRIPTION_OPTIONS = Symbol('SUBSCRIPTION_OPTIONS');
