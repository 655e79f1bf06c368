import { fingerprintOf, parseIdempotencyKey } from './idempotency-key';
import { RequestValidationError } from './request-validation.error';

describe('parseIdempotencyKey', () => {
  it.each([
    [undefined, undefined],
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['plain-token_1', 'plain-token_1'],
    ['"with space"', 'with space'],
    [` "${'k'.repeat(255)}" `, 'k'.repeat(255)],
  ])('%j → %j', (value, expected) => {
    expect(parseIdempotencyKey(value)).toBe(expected);
  });

  it.each(['', '""', 'a b', '"a', 'a,b', 'k'.repeat(256), 'caf\u00e9', '"tab\there"', ['a', 'b']])(
    'refuses %j',
    (value) => {
      expect(() => parseIdempotencyKey(value)).toThrow(RequestValidationError);
    },
  );
});

describe('fingerprintOf', () => {
  it('differs when method, path or body differ, and not otherwise', () => {
    const base = fingerprintOf('POST', '/todos', { title: 'a' });
    expect(fingerprintOf('post', '/todos', { title: 'a' })).toBe(base);
    expect(fingerprintOf('POST', '/todos', { title: 'b' })).not.toBe(base);
    expect(fingerprintOf('POST', '/other', { title: 'a' })).not.toBe(base);
    expect(fingerprintOf('PUT', '/todos', { title: 'a' })).not.toBe(base);
    expect(fingerprintOf('POST', '/todos', undefined)).toBe(fingerprintOf('POST', '/todos', null));
  });
});
