import { readFileSync } from 'node:fs';
import { isScope } from './auth/scopes';
import type { Scope } from './auth/scopes';
import { TENANT_PATTERN } from './database/tenant-scope';
import { DEFAULT_WRITE_SETTINGS } from './shared/application/write-settings';
import type { WriteSettings } from './shared/application/write-settings';
import {
  DEFAULT_INTEGRATION_SETTINGS,
  DEFAULT_NATS_SETTINGS,
} from './integration/application/integration-settings';
import type { IntegrationSettings } from './integration/application/integration-settings';

/** Settings read from the environment once, at start-up. A bad value stops the start. */
export type AppConfig = {
  port: number;
  /** Interface to listen on; unset: every interface. */
  host: string | undefined;
  /** Unset: the service runs an embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  database: DatabaseTuning;
  http: HttpConfig;
  log: LogConfig;
  auth: AuthConfig;
  /** How long in-flight requests may take to finish after SIGTERM/SIGINT. */
  shutdownGraceMs: number;
  write: WriteSettings;
  subscriptions: {
    enabled: boolean;
    pollIntervalMs: number;
  };
  /** Change feed, server-sent events, webhooks and the broker publisher. */
  integration: IntegrationSettings;
};

export type DatabaseTuning = {
  poolSize: number;
  /** Wait for a pooled connection (or a new one) at most this long. */
  connectionTimeoutMs: number;
  /** PostgreSQL cancels a statement that runs longer (0: no limit). */
  statementTimeoutMs: number;
  /** PostgreSQL gives up waiting for a row or table lock after this long (0: no limit). */
  lockTimeoutMs: number;
};

export type HttpConfig = {
  bodyLimitBytes: number;
  /** Deepest nesting of arrays/objects accepted in a JSON body. */
  maxJsonDepth: number;
  /** Origins allowed by CORS; empty: CORS stays off. */
  corsOrigins: string[];
  docsEnabled: boolean;
  rateLimit: {
    /** Requests per client per window; 0 turns rate limiting off. */
    limit: number;
    windowMs: number;
  };
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export type LogConfig = {
  level: LogLevelName;
  /** `json`: one JSON object per line; `pretty`: human-readable, for development. */
  format: 'json' | 'pretty';
};

export type AuthConfig = {
  /** HS256 secret for bearer JWTs. */
  jwtSecret?: string;
  /** URL of a JSON Web Key Set for bearer JWTs signed with asymmetric keys; `https:`. */
  jwksUrl?: string;
  /** Allows an `http:` JWKS URL (a key server on the same host, a test). */
  jwksAllowHttp?: boolean;
  /** Required `aud` claim of JWTs, when set. */
  audience?: string;
  /** Required `iss` claim of JWTs, when set. */
  issuer?: string;
  /** Accepted `X-API-Key` values: each acts in the `default` tenant with every scope. */
  apiKeys: string[];
  /** The JWT claim that names the tenant (`AUTH_TENANT_CLAIM`; default `tenant_id`). */
  tenantClaim?: string;
  /** API keys from `AUTH_API_KEYS_FILE`, each with its tenant and scopes. */
  apiKeyEntries?: ApiKeyEntry[];
  /** A token without a scope claim gets no scope, instead of every scope. */
  requireScopes?: boolean;
};

/** One entry of the API key file: the key itself is never stored, only its SHA-256. */
export type ApiKeyEntry = {
  name: string;
  tenant: string;
  scopes: Scope[];
  /** Hex SHA-256 of the key's UTF-8 bytes. */
  sha256: string;
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
  const production = nonEmpty(env.NODE_ENV) === 'production';
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: nonEmpty(env.HOST),
    databaseUrl,
    dataDir: nonEmpty(env.DATA_DIR) ?? '.data',
    database: {
      poolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 1000),
      connectionTimeoutMs: integer(env, 'DB_CONNECTION_TIMEOUT_MS', 5000, 1, 600_000),
      statementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, 0, 3_600_000),
      lockTimeoutMs: integer(env, 'DB_LOCK_TIMEOUT_MS', 5000, 0, 3_600_000),
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
    http: {
      bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16 * 1024, 256, 10 * 1024 * 1024),
      maxJsonDepth: integer(env, 'JSON_MAX_DEPTH', 16, 1, 256),
      corsOrigins: origins(env.CORS_ORIGINS),
      docsEnabled: boolean(env, 'DOCS_ENABLED', true),
      rateLimit: {
        limit: integer(env, 'RATE_LIMIT_MAX', 600, 0, 1_000_000),
        windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 100, 86_400_000),
      },
    },
    log: {
      level: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      format: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, production ? 'json' : 'pretty'),
    },
    auth: authConfig(env),
    integration: integrationConfig(env),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
  };
}

function authConfig(env: NodeJS.ProcessEnv): AuthConfig {
  // A security setting that is present but blank is a mistake (a template left unfilled, a
  // secret store that returned nothing), never a wish to run open: it stops the start.
  const jwtSecret = securitySetting(env, 'AUTH_JWT_SECRET');
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError('AUTH_JWT_SECRET must be at least 32 bytes long.');
  }
  const jwksAllowHttp = boolean(env, 'AUTH_JWKS_ALLOW_HTTP', false);
  const jwksUrl = securitySetting(env, 'AUTH_JWKS_URL');
  if (jwksUrl !== undefined) checkJwksUrl(jwksUrl, jwksAllowHttp);
  const rawKeys = securitySetting(env, 'AUTH_API_KEYS');
  const apiKeys = rawKeys === undefined ? [] : rawKeys.split(',').map((key) => key.trim());
  if (apiKeys.some((key) => key === '')) {
    throw new ConfigError(
      'AUTH_API_KEYS has an empty entry: list keys separated by single commas.',
    );
  }
  if (apiKeys.some((key) => key.length < 16)) {
    throw new ConfigError('Every key in AUTH_API_KEYS must be at least 16 characters long.');
  }
  // Settings that only refine JWT checks would otherwise be ignored without a word.
  if (jwtSecret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError('Set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both.');
  }
  const audience = securitySetting(env, 'AUTH_JWT_AUDIENCE');
  const issuer = securitySetting(env, 'AUTH_JWT_ISSUER');
  for (const [name, value] of [
    ['AUTH_JWT_AUDIENCE', audience],
    ['AUTH_JWT_ISSUER', issuer],
  ] as const) {
    if (value !== undefined && jwtSecret === undefined && jwksUrl === undefined) {
      throw new ConfigError(`${name} needs AUTH_JWT_SECRET or AUTH_JWKS_URL to check tokens with.`);
    }
  }
  const keyFile = securitySetting(env, 'AUTH_API_KEYS_FILE');
  return {
    jwtSecret,
    jwksUrl,
    ...(jwksAllowHttp ? { jwksAllowHttp } : {}),
    audience,
    issuer,
    apiKeys,
    tenantClaim: nonEmpty(env.AUTH_TENANT_CLAIM)?.trim() ?? 'tenant_id',
    apiKeyEntries: keyFile === undefined ? [] : readApiKeyFile(keyFile),
    requireScopes: boolean(env, 'AUTH_REQUIRE_SCOPES', false),
  };
}

function integrationConfig(env: NodeJS.ProcessEnv): IntegrationSettings {
  const { webhooks, serverSentEvents } = DEFAULT_INTEGRATION_SETTINGS;
  const natsUrl = nonEmpty(env.NATS_URL);
  if (
    natsUrl !== undefined &&
    !natsUrl.split(',').every((url) => /^(nats|tls):\/\/\S+$/.test(url.trim()))
  ) {
    throw new ConfigError('NATS_URL must be nats:// or tls:// URLs, separated by commas.');
  }
  const nats = DEFAULT_NATS_SETTINGS;
  const name = (key: string, fallback: string, pattern: RegExp, what: string): string => {
    const value = nonEmpty(env[key]) ?? fallback;
    if (!pattern.test(value)) throw new ConfigError(`${key} must be ${what}, got "${value}".`);
    return value;
  };
  return {
    ...(natsUrl === undefined
      ? {}
      : {
          nats: {
            url: natsUrl,
            stream: name(
              'NATS_STREAM',
              nats.stream,
              /^[A-Za-z0-9_-]{1,64}$/,
              'letters, digits, _ or -',
            ),
            subjectPrefix: name(
              'NATS_SUBJECT_PREFIX',
              nats.subjectPrefix,
              /^[A-Za-z0-9_-]{1,64}$/,
              'one subject token of letters, digits, _ or -',
            ),
            maxAgeSeconds: integer(
              env,
              'NATS_STREAM_MAX_AGE_SECONDS',
              nats.maxAgeSeconds,
              0,
              10 * 365 * 86_400,
            ),
            maxBytes:
              env.NATS_STREAM_MAX_BYTES?.trim() === '-1'
                ? -1
                : integer(env, 'NATS_STREAM_MAX_BYTES', nats.maxBytes, 1, Number.MAX_SAFE_INTEGER),
            duplicateWindowSeconds: integer(
              env,
              'NATS_DUPLICATE_WINDOW_SECONDS',
              nats.duplicateWindowSeconds,
              1,
              7 * 86_400,
            ),
          },
        }),
    webhooks: {
      retryForSeconds: integer(env, 'WEBHOOK_RETRY_FOR', webhooks.retryForSeconds, 1, 30 * 86_400),
      allowPrivateNetworks: boolean(
        env,
        'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
        webhooks.allowPrivateNetworks,
      ),
      allowHttp: boolean(env, 'WEBHOOK_ALLOW_HTTP', webhooks.allowHttp),
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', webhooks.timeoutMs, 100, 60_000),
      pollIntervalMs: integer(env, 'WEBHOOK_POLL_MS', webhooks.pollIntervalMs, 10, 600_000),
      secretOverlapSeconds: integer(
        env,
        'WEBHOOK_SECRET_OVERLAP',
        webhooks.secretOverlapSeconds,
        0,
        30 * 86_400,
      ),
    },
    serverSentEvents: {
      maxStreamsPerTenant: integer(
        env,
        'SSE_MAX_STREAMS_PER_TENANT',
        serverSentEvents.maxStreamsPerTenant,
        1,
        10_000,
      ),
      heartbeatMs: integer(env, 'SSE_HEARTBEAT_MS', serverSentEvents.heartbeatMs, 100, 600_000),
      slowReaderTimeoutMs: integer(
        env,
        'SSE_SLOW_READER_TIMEOUT_MS',
        serverSentEvents.slowReaderTimeoutMs,
        100,
        600_000,
      ),
    },
  };
}

/** Reads and checks `AUTH_API_KEYS_FILE`: a JSON array of `ApiKeyEntry`. */
export function readApiKeyFile(file: string): ApiKeyEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`AUTH_API_KEYS_FILE ${file} cannot be read as JSON: ${String(error)}`);
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError('AUTH_API_KEYS_FILE must hold a JSON array of key entries.');
  }
  const names = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const at = `AUTH_API_KEYS_FILE entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null)
      throw new ConfigError(`${at} is not an object.`);
    const { name, tenant, scopes, sha256 } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name) || names.has(name)) {
      throw new ConfigError(
        `${at}: "name" must be a unique name of 1 to 64 letters, digits, ., _ or -.`,
      );
    }
    names.add(name);
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
      throw new ConfigError(`${at}: "tenant" must be 1 to 63 letters, digits, ., _ or -.`);
    }
    if (!Array.isArray(scopes) || !scopes.every(isScope)) {
      throw new ConfigError(`${at}: "scopes" must be an array of known scopes.`);
    }
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new ConfigError(`${at}: "sha256" must be the key's SHA-256 in lowercase hex.`);
    }
    return { name, tenant, scopes, sha256 };
  });
}

/** Unset: `undefined`. Set: its trimmed value, which must not be blank. */
function securitySetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '' || (name === 'AUTH_API_KEYS' && /^[\s,]*$/.test(value))) {
    throw new ConfigError(`${name} is set but blank: give it a value or unset it.`);
  }
  return value;
}

/**
 * The key set decides who may act, so it is fetched over TLS; plain HTTP only when explicitly
 * allowed (a key server on the same host or in a test). Link-local addresses are refused: they
 * are where cloud metadata services answer, not where a key set lives.
 */
export function checkJwksUrl(value: string, allowHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`AUTH_JWKS_URL must be an https:// URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new ConfigError(
      url.protocol === 'http:'
        ? 'AUTH_JWKS_URL must be an https:// URL (set AUTH_JWKS_ALLOW_HTTP=true to allow http://).'
        : `AUTH_JWKS_URL must be an https:// URL, got "${value}".`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('AUTH_JWKS_URL must not carry a user name or password.');
  }
  if (isLinkLocal(url.hostname)) {
    throw new ConfigError('AUTH_JWKS_URL must not point at a link-local address.');
  }
}

function isLinkLocal(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // IPv4 169.254.0.0/16, also written as an IPv4-mapped IPv6 address.
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (v4) return v4[1] === '169' && v4[2] === '254';
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(host);
  if (mapped) return parseInt(mapped[1] ?? '0', 16) === 0xa9fe;
  // IPv6 fe80::/10.
  return /^fe[89ab][0-9a-f]:/.test(host);
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
  const raw = securitySetting(env, 'CURSOR_SECRET');
  if (raw === undefined) return DEFAULT_WRITE_SETTINGS.cursorSecret;
  // A short secret would let a client forge cursors by guessing it.
  if (raw.length < 16) throw new ConfigError('CURSOR_SECRET must have at least 16 characters.');
  return raw;
}
function oneOf<const T extends readonly string[]>(
  env: NodeJS.ProcessEnv,
  name: string,
  allowed: T,
  fallback: T[number],
): T[number] {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}".`);
  }
  return raw;
}

function origins(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigError(
        `CORS_ORIGINS must list origins like https://app.example.com, got "${origin}".`,
      );
    }
  }
  return list;
}
