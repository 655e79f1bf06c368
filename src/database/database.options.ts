/** How the service connects to PostgreSQL. */
export type DatabaseOptions = {
  url: string;
  /** Maximum connections in the pool. */
  poolSize: number;
  /** How long to wait for a free connection before failing, in milliseconds. */
  connectionTimeoutMs: number;
  /** PostgreSQL cancels statements running longer than this (ms; 0 or unset: no limit). */
  statementTimeoutMs?: number;
  /** PostgreSQL stops waiting for a lock after this long (ms; 0 or unset: no limit). */
  lockTimeoutMs?: number;
  /** Run pending migrations when the module starts. */
  migrate: boolean;
};

export const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');
