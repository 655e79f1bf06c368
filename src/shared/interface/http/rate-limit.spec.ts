import { FixedWindowRateLimiter } from './rate-limit';

describe('FixedWindowRateLimiter', () => {
  let now = 0;
  const limiter = () => new FixedWindowRateLimiter(2, 10_000, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows `limit` requests per client and window, then says when to retry', () => {
    const limit = limiter();
    expect(limit.take('a')).toEqual({ allowed: true });
    expect(limit.take('a')).toEqual({ allowed: true });
    now += 2500;
    expect(limit.take('a')).toEqual({ allowed: false, retryAfterSeconds: 8 });
    // Another client has its own count.
    expect(limit.take('b')).toEqual({ allowed: true });
  });

  it('starts counting afresh when the window ends', () => {
    const limit = limiter();
    limit.take('a');
    limit.take('a');
    now += 9_999;
    expect(limit.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1;
    expect(limit.take('a')).toEqual({ allowed: true });
  });

  it('does not count refused requests, so a client that stops is let in after the window', () => {
    const limit = limiter();
    for (let i = 0; i < 1000; i++) limit.take('a');
    now += 10_000;
    expect(limit.take('a')).toEqual({ allowed: true });
    expect(limit.take('a')).toEqual({ allowed: true });
  });
});
