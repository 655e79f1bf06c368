import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
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
