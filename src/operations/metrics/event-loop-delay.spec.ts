import { drainDelays } from './event-loop-delay';

/** A recorded histogram as Node's monitor answers it: the nearest-rank value at a percentile. */
function monitorOf(samplesNs: number[]) {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    percentile: (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * sorted.length) - 1))]!,
  };
}

describe('drainDelays', () => {
  it('gives back every sample, smallest first, less the timer period, in seconds', () => {
    const ms = 1e6;
    const delays = drainDelays(monitorOf([10.5 * ms, 250 * ms, 10.1 * ms, 12 * ms]), 10);
    expect(delays.map((d) => Number((d * 1000).toFixed(3)))).toEqual([0.1, 0.5, 2, 240]);
  });

  it('never reports a negative delay for a timer that fired early', () => {
    expect(drainDelays(monitorOf([9.9e6]), 10)).toEqual([0]);
  });

  it('has nothing to drain from an empty monitor', () => {
    expect(drainDelays(monitorOf([]), 10)).toEqual([]);
  });
});
