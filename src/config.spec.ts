import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig: write-side settings', () => {
  it('has safe defaults', () => {
    expect(loadConfig({}).write).toEqual({
      requireIfMatch: false,
      idempotencyKeyTtlSeconds: 86_400,
      cursorSecret: expect.any(String) as unknown,
    });
    expect(loadConfig({}).host).toBeUndefined();
  });

  it('reads them from the environment', () => {
    const config = loadConfig({
      REQUIRE_IF_MATCH: 'true',
      IDEMPOTENCY_KEY_TTL_SECONDS: '60',
      CURSOR_SECRET: 's'.repeat(16),
      HOST: '127.0.0.1',
      PORT: '0',
    });
    expect(config.write).toEqual({
      requireIfMatch: true,
      idempotencyKeyTtlSeconds: 60,
      cursorSecret: 's'.repeat(16),
    });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 0 });
  });

  it.each([
    [{ REQUIRE_IF_MATCH: 'yes' }, /REQUIRE_IF_MATCH must be true or false/],
    [{ IDEMPOTENCY_KEY_TTL_SECONDS: '0' }, /IDEMPOTENCY_KEY_TTL_SECONDS must be an integer/],
    [{ IDEMPOTENCY_KEY_TTL_SECONDS: '1h' }, /IDEMPOTENCY_KEY_TTL_SECONDS must be an integer/],
    [{ CURSOR_SECRET: 'short' }, /CURSOR_SECRET must have at least 16 characters/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig: subscriptions', () => {
  it('runs subscriptions by default, polling every second', () => {
    expect(loadConfig({}).subscriptions).toEqual({ enabled: true, pollIntervalMs: 1000 });
  });

  it.each([
    ['false', false],
    ['0', false],
    ['TRUE', true],
    ['1', true],
  ])('reads SUBSCRIPTIONS_ENABLED=%s', (value, enabled) => {
    expect(loadConfig({ SUBSCRIPTIONS_ENABLED: value }).subscriptions.enabled).toBe(enabled);
  });

  it.each([
    [{ SUBSCRIPTIONS_ENABLED: 'maybe' }, /SUBSCRIPTIONS_ENABLED must be true or false/],
    [{ SUBSCRIPTIONS_POLL_MS: '5' }, /SUBSCRIPTIONS_POLL_MS must be an integer from 10/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig: operations and security', () => {
  it('has production-safe defaults', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    expect(config.http).toEqual({
      bodyLimitBytes: 16 * 1024,
      maxJsonDepth: 16,
      corsOrigins: [],
      docsEnabled: true,
      rateLimit: { limit: 600, windowMs: 60_000 },
    });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.database).toEqual({
      poolSize: 10,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 15_000,
      lockTimeoutMs: 5000,
    });
    expect(config.auth).toEqual({
      jwtSecret: undefined,
      jwksUrl: undefined,
      audience: undefined,
      issuer: undefined,
      apiKeys: [],
      tenantClaim: 'tenant_id',
      apiKeyEntries: [],
      requireScopes: false,
    });
  });

  it('logs human-readable outside production unless told otherwise', () => {
    expect(loadConfig({}).log.format).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).log.format).toBe('json');
  });

  it('reads every setting', () => {
    const config = loadConfig({
      LOG_LEVEL: 'debug',
      CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      DOCS_ENABLED: 'false',
      RATE_LIMIT_MAX: '0',
      DB_LOCK_TIMEOUT_MS: '250',
      AUTH_API_KEYS: 'key-one-0123456789,key-two-0123456789',
      AUTH_JWT_SECRET: 'x'.repeat(32),
      AUTH_JWT_AUDIENCE: 'todo-api',
    });
    expect(config.log.level).toBe('debug');
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(config.http.docsEnabled).toBe(false);
    expect(config.http.rateLimit.limit).toBe(0);
    expect(config.database.lockTimeoutMs).toBe(250);
    expect(config.auth.apiKeys).toHaveLength(2);
    expect(config.auth.audience).toBe('todo-api');
  });

  it.each([
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud".',
    ],
    [{ DOCS_ENABLED: 'maybe' }, 'DOCS_ENABLED must be true or false, got "maybe".'],
    [
      { CORS_ORIGINS: '*' },
      'CORS_ORIGINS must list origins like https://app.example.com, got "*".',
    ],
    [
      { CORS_ORIGINS: 'https://a.example/path' },
      'CORS_ORIGINS must list origins like https://app.example.com, got "https://a.example/path".',
    ],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET must be at least 32 bytes long.'],
    [{ AUTH_API_KEYS: 'tiny' }, 'Every key in AUTH_API_KEYS must be at least 16 characters long.'],
    [
      { AUTH_JWKS_URL: 'file:///etc/keys' },
      'AUTH_JWKS_URL must be an https:// URL, got "file:///etc/keys".',
    ],
    [
      { BODY_LIMIT_BYTES: '1e6' },
      'BODY_LIMIT_BYTES must be an integer from 256 to 10485760, got "1e6".',
    ],
    [
      { DB_STATEMENT_TIMEOUT_MS: '-1' },
      'DB_STATEMENT_TIMEOUT_MS must be an integer from 0 to 3600000, got "-1".',
    ],
  ])('refuses %p with one clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });
});

describe('loadConfig: security settings never turn off by accident', () => {
  const KEY = 'key-one-0123456789';

  it.each([
    ['AUTH_API_KEYS', ' , '],
    ['AUTH_API_KEYS', ''],
    ['AUTH_API_KEYS', ',,,'],
    ['AUTH_JWT_SECRET', '   '],
    ['AUTH_JWT_SECRET', ''],
    ['AUTH_JWKS_URL', ' \t '],
    ['AUTH_JWT_AUDIENCE', ' '],
    ['AUTH_JWT_ISSUER', '\n'],
    ['CURSOR_SECRET', '  '],
  ])('stops the start when %s is set but blank (%j)', (name, value) => {
    expect(() => loadConfig({ AUTH_API_KEYS: KEY, [name]: value })).toThrow(
      new ConfigError(`${name} is set but blank: give it a value or unset it.`),
    );
  });

  it.each([
    [
      { AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://issuer.example/jwks' },
      'Set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both.',
    ],
    [
      { AUTH_API_KEYS: KEY, AUTH_JWT_AUDIENCE: 'todo-api' },
      'AUTH_JWT_AUDIENCE needs AUTH_JWT_SECRET or AUTH_JWKS_URL to check tokens with.',
    ],
    [
      { AUTH_JWT_ISSUER: 'https://issuer.example' },
      'AUTH_JWT_ISSUER needs AUTH_JWT_SECRET or AUTH_JWKS_URL to check tokens with.',
    ],
  ])('refuses %j rather than ignoring a setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('refuses an empty entry among API keys rather than skipping it', () => {
    expect(() => loadConfig({ AUTH_API_KEYS: `${KEY},,${KEY}2` })).toThrow(
      new ConfigError('AUTH_API_KEYS has an empty entry: list keys separated by single commas.'),
    );
  });

  it('accepts an https:// JWKS URL, and http:// only when AUTH_JWKS_ALLOW_HTTP=true', () => {
    const https = 'https://issuer.example/.well-known/jwks.json';
    expect(loadConfig({ AUTH_JWKS_URL: https }).auth).toMatchObject({ jwksUrl: https });
    expect(() => loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks' })).toThrow(
      new ConfigError(
        'AUTH_JWKS_URL must be an https:// URL (set AUTH_JWKS_ALLOW_HTTP=true to allow http://).',
      ),
    );
    expect(
      loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks', AUTH_JWKS_ALLOW_HTTP: 'true' })
        .auth,
    ).toMatchObject({ jwksUrl: 'http://127.0.0.1:8080/jwks', jwksAllowHttp: true });
  });

  it.each([
    'https://169.254.169.254/latest/meta-data',
    'https://[fe80::1]/jwks',
    'https://[FEBF::1]/jwks',
    'https://[::ffff:169.254.169.254]/jwks',
  ])('refuses the link-local JWKS URL %s', (url) => {
    expect(() => loadConfig({ AUTH_JWKS_URL: url, AUTH_JWKS_ALLOW_HTTP: 'true' })).toThrow(
      new ConfigError('AUTH_JWKS_URL must not point at a link-local address.'),
    );
  });

  it.each([
    ['not a url', 'AUTH_JWKS_URL must be an https:// URL, got "not a url".'],
    [
      'ftp://keys.example/jwks',
      'AUTH_JWKS_URL must be an https:// URL, got "ftp://keys.example/jwks".',
    ],
    ['https://user:pw@keys.example/jwks', 'AUTH_JWKS_URL must not carry a user name or password.'],
  ])('refuses the JWKS URL %j', (url, message) => {
    expect(() => loadConfig({ AUTH_JWKS_URL: url })).toThrow(new ConfigError(message));
  });
});

describe('loadConfig: tenants and scopes', () => {
  const keyFile = (content: unknown): string => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'keys-')), 'keys.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const entry = {
    name: 'sync',
    tenant: 'acme',
    scopes: ['todos:read'],
    sha256: 'a'.repeat(64),
  };

  it('reads the tenant claim, the scope requirement and the API key file', () => {
    const config = loadConfig({
      AUTH_TENANT_CLAIM: 'org',
      AUTH_REQUIRE_SCOPES: 'true',
      AUTH_API_KEYS_FILE: keyFile([entry]),
    });
    expect(config.auth).toMatchObject({
      tenantClaim: 'org',
      requireScopes: true,
      apiKeyEntries: [entry],
    });
  });

  it.each([
    ['not JSON', '{'],
    ['not an array', { entries: [] }],
    ['a bad tenant', [{ ...entry, tenant: 'a b' }]],
    ['an unknown scope', [{ ...entry, scopes: ['todos:everything'] }]],
    ['a key instead of its digest', [{ ...entry, sha256: 'my-secret-key' }]],
    ['two entries of one name', [entry, entry]],
  ])('refuses a key file with %s', (_, content) => {
    expect(() => loadConfig({ AUTH_API_KEYS_FILE: keyFile(content) })).toThrow(ConfigError);
  });
});

describe('loadConfig: webhook secret overlap', () => {
  it('keeps a rotated-out secret for a day unless told otherwise; 0 turns the overlap off', () => {
    expect(loadConfig({}).integration.webhooks.secretOverlapSeconds).toBe(86_400);
    const config = (value: string) =>
      loadConfig({ WEBHOOK_SECRET_OVERLAP: value }).integration.webhooks.secretOverlapSeconds;
    expect(config('0')).toBe(0);
    expect(config('3600')).toBe(3600);
    expect(() => config('-1')).toThrow(ConfigError);
    expect(() => config('2592001')).toThrow(ConfigError);
  });
});
