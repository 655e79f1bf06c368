import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, half of it fixed and half random', () => {
    expect([1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, 100, 1000, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect(
      [1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, 100, 1000, () => 0.999)),
    ).toEqual([100, 200, 400, 800, 1000]);
  });

  it('never waits nothing, even for an odd attempt number', () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(-3, 100, 1000, () => 0.5)).toBe(75);
  });
});
