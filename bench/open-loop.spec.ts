import fc from 'fast-check';
import { dueBy, scheduledAt } from './open-loop';

describe('open-loop schedule', () => {
  it('spaces requests evenly at the offered rate, the first at the start', () => {
    expect([0, 1, 2, 3].map((i) => scheduledAt(i, 500))).toEqual([0, 2, 4, 6]);
    expect(scheduledAt(700, 700)).toBe(1000);
  });

  it('a late wake-up sends everything due since, not only the next one', () => {
    expect(dueBy(0, 1000, 10_000)).toBe(1);
    expect(dueBy(0.5, 1000, 10_000)).toBe(1);
    // Asleep 250 ms at 1000 req/s: 250 more are due at once.
    expect(dueBy(250, 1000, 10_000)).toBe(251);
    expect(dueBy(-1, 1000, 10_000)).toBe(0);
  });

  it('never schedules more than the run holds', () => {
    expect(dueBy(60_000, 1000, 2000)).toBe(2000);
  });

  it('due by t is exactly the requests scheduled at or before t', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.integer({ min: 1, max: 50_000 }),
        (rate, elapsedMs, total) => {
          const due = dueBy(elapsedMs, rate, total);
          // Integer arithmetic, free of the rounding the division could bring.
          const scheduledBy = (i: number) => i * 1000 <= elapsedMs * rate;
          expect(due === total || !scheduledBy(due)).toBe(true);
          if (due > 0) expect(scheduledBy(due - 1)).toBe(true);
          expect(due).toBeLessThanOrEqual(total);
        },
      ),
    );
  });
});
