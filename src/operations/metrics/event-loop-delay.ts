import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** How often the event loop is sampled, in ms: Node's default. */
const RESOLUTION_MS = 10;

/**
 * The delays recorded since the last drain, smallest first, in seconds. Node's monitor records
 * each sample as the whole time between two ticks of its timer, so the timer's own period is
 * subtracted. With n samples, the k-th smallest is the value at percentile 100·k/n.
 */
export function drainDelays(
  monitor: Pick<IntervalHistogram, 'count' | 'percentile'>,
  resolutionMs: number,
): number[] {
  const delays: number[] = [];
  const n = monitor.count;
  for (let k = 1; k <= n; k++) {
    const nanoseconds = monitor.percentile((100 * k) / n) - resolutionMs * 1e6;
    delays.push(Math.max(0, nanoseconds) / 1e9);
  }
  return delays;
}

/**
 * Event-loop delay as a cumulative Prometheus histogram, fed from `perf_hooks`' monitor once a
 * second and on every scrape. Unlike prom-client's default `nodejs_eventloop_lag_p99_seconds`,
 * which covers the time since the previous scrape (so two scrapers reset each other's window), it
 * can be rated over any window: `histogram_quantile(0.99, rate(..._bucket[1m]))` shows a stalling
 * loop before the request latencies do.
 */
export class EventLoopDelayMetric {
  private readonly monitor = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly histogram: Histogram;
  private readonly timer: NodeJS.Timeout;

  constructor(registry: Registry) {
    const drain = () => this.drain();
    this.histogram = new Histogram({
      name: 'nodejs_eventloop_delay_seconds',
      help: `Event-loop delay: how late the loop ran a timer due every ${RESOLUTION_MS} ms.`,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [registry],
      collect: drain,
    });
    this.monitor.enable();
    // Only keeps the monitor's share small; never keeps the process alive.
    this.timer = setInterval(drain, 1000).unref();
  }

  private drain(): void {
    for (const delay of drainDelays(this.monitor, RESOLUTION_MS)) this.histogram.observe(delay);
    this.monitor.reset();
  }

  stop(): void {
    clearInterval(this.timer);
    this.monitor.disable();
  }
}
