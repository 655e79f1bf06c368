import { DEFAULT_WRITE_SETTINGS } from './shared/application/write-settings';
import type { WriteSettings } from './shared/application/write-settings';

/** Settings read from the environment once, at start-up. A bad value stops the start. */
export type AppConfig = {
  port: number;
  /** Interface to listen on; unset: every interface. */
  host: string | undefined;
  /** Unset: the service runs an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  database: {
    poolSize: number;
    connectionTimeoutMs: number;
  };
  write: WriteSettings;
  subscriptions: {
    enabled: boolean;
    pollIntervalMs: number;
  };
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: nonEmpty(env.HOST),
    databaseUrl,
    dataDir: nonEmpty(env.DATA_DIR) ?? '.data',
    database: {
      poolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 1000),
      connectionTimeoutMs: integer(env, 'DB_CONNECTION_TIMEOUT_MS', 5000, 1, 600_000),
    },
    write: {
      requireIfMatch: boolean(env, 'REQUIRE_IF_MATCH', DEFAULT_WRITE_SETTINGS.requireIfMatch),
      idempotencyKeyTtlSeconds: integer(
        env,
        'IDEMPOTENCY_KEY_TTL_SECONDS',
        DEFAULT_WRITE_SETTINGS.idempotencyKeyTtlSeconds,
        1,
        30 * 24 * 60 * 60,
      ),
      cursorSecret: cursorSecret(env),
    },
    subscriptions: {
      enabled: boolean(env, 'SUBSCRIPTIONS_ENABLED', true),
      pollIntervalMs: integer(env, 'SUBSCRIPTIONS_POLL_MS', 1000, 10, 600_000),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}".`);
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  }
  return value;
}

function cursorSecret(env: NodeJS.ProcessEnv): string {
  const raw = nonEmpty(env.CURSOR_SECRET);
  if (raw === undefined) return DEFAULT_WRITE_SETTINGS.cursorSecret;
  // A short secret would let a client forge cursors by guessing it.
  if (raw.length < 16) throw new ConfigError('CURSOR_SECRET must have at least 16 characters.');
  return raw;
}
