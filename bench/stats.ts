/** Small statistics helpers for the benchmark report. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // The epsilon keeps 99.9 % of 1000 at rank 999: in floating point it is 999.0000000000001.
  const rank = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length - 1e-9) - 1),
  );
  return sorted[rank]!;
}

export type Tail = { p50: number; p99: number; p999: number; max: number };

/** p50, p99, p99.9 and max of a set of latencies, sorted once. */
export function tail(values: readonly number[]): Tail {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    p999: percentileOfSorted(sorted, 99.9),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** `part` as a share of `whole`; NaN when the whole was not measured or is zero. */
export function share(part: number, whole: number | undefined): number {
  return whole === undefined || !(whole > 0) ? Number.NaN : part / whole;
}

/**
 * The value of an unlabelled sample in Prometheus' text exposition format, e.g. `metric 0.012`;
 * undefined when the metric is absent.
 */
export function prometheusValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [metric, value] = line.trim().split(/\s+/);
    if (metric === name && value !== undefined) return Number(value);
  }
  return undefined;
}

/** The cumulative bucket counts of a Prometheus histogram, by upper bound (`+Inf` as Infinity). */
export function prometheusBuckets(
  text: string,
  name: string,
  /** Only the series with these labels, e.g. `connection="opened"`; several series are summed. */
  labels?: string | readonly string[],
): Map<number, number> {
  const wanted = labels === undefined ? [] : typeof labels === 'string' ? [labels] : labels;
  const buckets = new Map<number, number>();
  // `le` anywhere among the labels: prom-client writes it first, others last.
  const pattern = new RegExp(`^${name}_bucket\\{(?:[^}]*,)?le="([^"]+)"(?:,[^}]*)?\\} (\\S+)$`);
  for (const line of text.split('\n')) {
    if (!wanted.every((label) => line.includes(label))) continue;
    const match = pattern.exec(line.trim());
    if (!match) continue;
    const le = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/**
 * The q-quantile (0..1) of what a histogram recorded between two scrapes, interpolated within its
 * bucket as Prometheus' `histogram_quantile` does: only as precise as the buckets. Beyond the
 * last finite bound it answers that bound. NaN when nothing was recorded.
 */
export function histogramQuantile(
  before: Map<number, number>,
  after: Map<number, number>,
  q: number,
): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts[counts.length - 1] ?? 0;
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [i, le] of bounds.entries()) {
    const count = counts[i]!;
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return lower;
      return count === below ? le : lower + ((le - lower) * (rank - below)) / (count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}
