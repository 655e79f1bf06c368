import { delaySeconds } from './event-loop-delay';

describe('delaySeconds', () => {
  it('is how late the timer ran beyond its period, in seconds', () => {
    expect(delaySeconds(1000, 1010.5, 10)).toBeCloseTo(0.0005);
    // A loop blocked for 250 ms runs a 10 ms timer 240 ms late.
    expect(delaySeconds(1000, 1250, 10)).toBeCloseTo(0.24);
  });

  it('is never negative for a timer that ran early', () => {
    expect(delaySeconds(1000, 1009.9, 10)).toBe(0);
  });
});
