import { UpcasterRegistry } from './upcaster';

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry();
  registry.register({
    eventType: 'Priced',
    fromVersion: 1,
    upcast: (data) => ({ amount: data.cents, currency: 'EUR' }),
  });
  registry.register({
    eventType: 'Priced',
    fromVersion: 2,
    upcast: (data) => ({ price: { amount: data.amount, currency: data.currency } }),
  });

  it('writes new events at one past the highest registered step, and unknown types at 1', () => {
    expect(registry.currentVersion('Priced')).toBe(3);
    expect(registry.currentVersion('Other')).toBe(1);
  });

  it('chains every step from the stored version to the current one', () => {
    expect(registry.upcast('Priced', 1, { cents: 250 })).toEqual({
      price: { amount: 250, currency: 'EUR' },
    });
    expect(registry.upcast('Priced', 2, { amount: 5, currency: 'USD' })).toEqual({
      price: { amount: 5, currency: 'USD' },
    });
    const current = { price: { amount: 1, currency: 'EUR' } };
    expect(registry.upcast('Priced', 3, current)).toBe(current);
  });

  it('refuses a missing step rather than handing on a half-converted payload', () => {
    const gappy = new UpcasterRegistry();
    gappy.register({ eventType: 'X', fromVersion: 2, upcast: (data) => data });
    expect(() => gappy.upcast('X', 1, {})).toThrow('No upcaster for X from v1');
  });

  it('refuses two steps from the same version and versions below 1', () => {
    expect(() =>
      registry.register({ eventType: 'Priced', fromVersion: 1, upcast: (data) => data }),
    ).toThrow('already registered');
    expect(() =>
      registry.register({ eventType: 'Y', fromVersion: 0, upcast: (data) => data }),
    ).toThrow(RangeError);
  });
});
