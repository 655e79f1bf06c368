import { performance } from 'node:perf_hooks';
import { Histogram } from 'prom-client';
import type { Registry } from 'prom-client';

/** How often the event loop is sampled, in ms: as `perf_hooks.monitorEventLoopDelay` does. */
const PERIOD_MS = 10;

/** How late a timer due every `periodMs` ran, in seconds, from the times of two runs in ms. */
export function delaySeconds(previousMs: number, nowMs: number, periodMs: number): number {
  return Math.max(0, nowMs - previousMs - periodMs) / 1000;
}

/**
 * Event-loop delay as a cumulative Prometheus histogram: a timer due every 10 ms records how late
 * it ran. Unlike prom-client's default `nodejs_eventloop_lag_p99_seconds`, which covers the time
 * since the previous scrape (so two scrapers reset each other's window), it can be rated over any
 * window: `histogram_quantile(0.99, rate(..._bucket[1m]))` shows a stalling loop before request
 * latencies do. `perf_hooks.monitorEventLoopDelay` samples the same way but can only be read by
 * resetting it, and a reset forgets the interval it falls in: a stall starting just after a
 * drain would never be counted.
 */
export class EventLoopDelayMetric {
  private readonly timer: NodeJS.Timeout;

  constructor(registry: Registry) {
    const histogram = new Histogram({
      name: 'nodejs_eventloop_delay_seconds',
      help: `Event-loop delay: how late the loop ran a timer due every ${PERIOD_MS} ms.`,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
      registers: [registry],
    });
    let previous = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      histogram.observe(delaySeconds(previous, now, PERIOD_MS));
      previous = now;
    }, PERIOD_MS);
    // Measures the process; never keeps it alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
