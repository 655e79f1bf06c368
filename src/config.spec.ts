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
