import {
  histogramQuantile,
  median,
  percentile,
  prometheusBuckets,
  prometheusValue,
  share,
  tail,
} from './stats';

describe('benchmark statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i); // 1..1000, unsorted
    expect(percentile(values, 50)).toBe(500);
    expect(percentile(values, 99)).toBe(990);
    expect(tail(values)).toEqual({ p50: 500, p99: 990, p999: 999, max: 1000 });
    expect(tail([7])).toEqual({ p50: 7, p99: 7, p999: 7, max: 7 });
    expect(tail([]).p99).toBeNaN();
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it('a single slow request out of a thousand is the p99.9, not the p99', () => {
    const values = [...Array.from({ length: 999 }, () => 3), 900];
    expect(tail(values)).toMatchObject({ p50: 3, p99: 3, p999: 3, max: 900 });
    const eleven = [
      ...Array.from({ length: 989 }, () => 3),
      ...Array.from({ length: 11 }, () => 900),
    ];
    expect(tail(eleven)).toMatchObject({ p99: 900, p999: 900 });
  });

  it('gives a share only of something measured', () => {
    expect(share(1500, 5000)).toBeCloseTo(0.3);
    expect(share(1500, undefined)).toBeNaN();
    expect(share(1500, 0)).toBeNaN();
  });

  const scrape = (counts: [string, number][], extra = '') =>
    [
      '# HELP loop_seconds Event-loop delay.',
      '# TYPE loop_seconds histogram',
      ...counts.map(([le, n]) => `loop_seconds_bucket{le="${le}"} ${n}`),
      `loop_seconds_sum 1.5`,
      `loop_seconds_count ${counts[counts.length - 1]?.[1]}`,
      'other_metric{state="idle"} 3',
      'plain_gauge 0.25',
      extra,
    ].join('\n');

  it('reads samples and buckets from the Prometheus text format', () => {
    const text = scrape([
      ['0.01', 5],
      ['0.1', 8],
      ['+Inf', 9],
    ]);
    expect(prometheusValue(text, 'plain_gauge')).toBe(0.25);
    expect(prometheusValue(text, 'loop_seconds_count')).toBe(9);
    expect(prometheusValue(text, 'absent')).toBeUndefined();
    expect([...prometheusBuckets(text, 'loop_seconds')]).toEqual([
      [0.01, 5],
      [0.1, 8],
      [Number.POSITIVE_INFINITY, 9],
    ]);
  });

  it('reads one labelled series of a histogram, with le first as prom-client writes it', () => {
    const text = [
      'wait_seconds_bucket{le="0.001",connection="reused"} 7',
      'wait_seconds_bucket{le="+Inf",connection="reused"} 8',
      'wait_seconds_bucket{le="0.001",connection="opened"} 0',
      'wait_seconds_bucket{le="+Inf",connection="opened"} 2',
    ].join('\n');
    expect([...prometheusBuckets(text, 'wait_seconds', 'connection="opened"')]).toEqual([
      [0.001, 0],
      [Number.POSITIVE_INFINITY, 2],
    ]);
    expect([...prometheusBuckets(text, 'wait_seconds', 'connection="reused"')]).toEqual([
      [0.001, 7],
      [Number.POSITIVE_INFINITY, 8],
    ]);
  });

  it('sums the series that carry every label asked for, and leaves out the others', () => {
    const text = [
      'http_seconds_bucket{le="0.005",method="GET",route="/todos/:id",status="200"} 7',
      'http_seconds_bucket{le="+Inf",method="GET",route="/todos/:id",status="200"} 9',
      'http_seconds_bucket{le="0.005",method="GET",route="/todos/:id",status="304"} 2',
      'http_seconds_bucket{le="+Inf",method="GET",route="/todos/:id",status="304"} 2',
      'http_seconds_bucket{le="0.005",method="PATCH",route="/todos/:id",status="200"} 1',
      'http_seconds_bucket{le="+Inf",method="PATCH",route="/todos/:id",status="200"} 5',
    ].join('\n');
    expect([
      ...prometheusBuckets(text, 'http_seconds', ['method="GET"', 'route="/todos/:id"']),
    ]).toEqual([
      [0.005, 9],
      [Number.POSITIVE_INFINITY, 11],
    ]);
  });

  it('takes a quantile of what a histogram recorded between two scrapes, as Prometheus does', () => {
    const before = prometheusBuckets(
      scrape([
        ['0.01', 100],
        ['0.1', 100],
        ['+Inf', 100],
      ]),
      'loop_seconds',
    );
    // 100 new samples: 90 under 10 ms, 10 between 10 and 100 ms.
    const after = prometheusBuckets(
      scrape([
        ['0.01', 190],
        ['0.1', 200],
        ['+Inf', 200],
      ]),
      'loop_seconds',
    );
    expect(histogramQuantile(before, after, 0.5)).toBeCloseTo(0.01 * (50 / 90));
    expect(histogramQuantile(before, after, 0.99)).toBeCloseTo(0.01 + 0.09 * (9 / 10));
    expect(histogramQuantile(after, after, 0.99)).toBeNaN();
    // Past the last finite bound the answer is that bound: "at least".
    const slow = new Map([
      [0.01, 0],
      [0.1, 0],
      [Number.POSITIVE_INFINITY, 4],
    ]);
    expect(histogramQuantile(new Map(), slow, 0.99)).toBe(0.1);
  });
});
