/**
 * Open-loop load: requests sent on a fixed schedule (one every 1/rate s), whatever the answers do,
 * each timed from the moment it was scheduled to be sent. A closed-loop generator (autocannon, a
 * fixed number of connections each waiting for its answer) sends nothing while the service
 * stalls, so a stall shows up as a handful of slow requests instead of every request a user would
 * have sent meanwhile (coordinated omission). Timed from the schedule, a late send (the service's
 * sockets busy, or this process itself late) counts as latency, as pgbench's `-R` counts its
 * schedule lag.
 */
import http from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { tail } from './stats';
import type { Tail } from './stats';

/** When request `index` (from 0) is due, in ms from the start, at `ratePerS` requests a second. */
export function scheduledAt(index: number, ratePerS: number): number {
  return (index * 1000) / ratePerS;
}

/** How many of `total` requests are due `elapsedMs` after the start: the first is due at 0. */
export function dueBy(elapsedMs: number, ratePerS: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * ratePerS) / 1000) + 1);
}

export type OpenLoopRequest = {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  /** JSON, unless `headers` says otherwise. */
  body?: string;
  headers?: Record<string, string>;
};

export type OpenLoopResult = {
  /** Requests per second offered (scheduled). */
  offeredRate: number;
  /** 2xx answers per second of the schedule's duration. */
  achievedRate: number;
  scheduled: number;
  latencyMs: Tail;
  /** Answers other than 2xx and connection errors. */
  failures: number;
  /** The failures by status code or error code. */
  failureReasons: Record<string, number>;
  /** Still unanswered after the grace period: counted with the time they had waited so far. */
  timeouts: number;
  /** This process's own event-loop delay p99 and max: a late client delays its sends. */
  clientLoopDelayP99Ms: number;
  clientLoopDelayMaxMs: number;
  /** p99 of the requests scheduled in each second of the run: where in the run the tail is. */
  p99BySecondMs: number[];
};

export type OpenLoopOptions = {
  /**
   * Connections to the service. The default is enough that the client never holds requests back
   * while the service has capacity; a smaller number behaves as pgbench's `-c` with `-R` (and
   * wrk2): requests due while every connection is busy wait in the client, and that wait counts.
   */
  sockets?: number;
  /**
   * Open all `sockets` connections before the schedule starts (with one request from `next` on
   * each), as pgbench does, rather than opening them as the run first needs them.
   */
  preconnect?: boolean;
  graceMs?: number;
};

/**
 * Sends `ratePerS × durationS` requests built by `next` to `baseUrl` on the schedule above.
 * Latency is taken from the scheduled send time to the end of the response body.
 */
export async function openLoop(
  baseUrl: string,
  next: () => OpenLoopRequest,
  ratePerS: number,
  durationS: number,
  { sockets = 512, preconnect = false, graceMs = 10_000 }: OpenLoopOptions = {},
): Promise<OpenLoopResult> {
  const url = new URL(baseUrl);
  const total = Math.max(1, Math.round(ratePerS * durationS));
  const latencies = new Float64Array(total).fill(Number.NaN);
  let ok = 0;
  let failures = 0;
  const failureReasons: Record<string, number> = {};
  let answered = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const clientDelay = monitorEventLoopDelay({ resolution: 10 });
  clientDelay.enable();

  if (preconnect) {
    await Promise.all(
      Array.from({ length: sockets }, () => exchange(agent, url, next()).catch(() => undefined)),
    );
  }

  let allAnswered: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allAnswered = resolve));
  const start = performance.now();

  const finish = (index: number, success: boolean, reason = '') => {
    if (!Number.isNaN(latencies[index]!)) return;
    latencies[index] = performance.now() - start - scheduledAt(index, ratePerS);
    if (success) ok++;
    else {
      failures++;
      failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
    }
    if (++answered === total) allAnswered();
  };

  const send = (index: number) => {
    exchange(agent, url, next()).then(
      (status) => finish(index, status < 300, String(status)),
      (error: NodeJS.ErrnoException) => finish(index, false, error.code ?? error.message),
    );
  };

  let sent = 0;
  await new Promise<void>((scheduleDone) => {
    const tick = () => {
      // Everything due by now goes out at once: a late timer is caught up on, not skipped.
      const due = dueBy(performance.now() - start, ratePerS, total);
      while (sent < due) send(sent++);
      if (sent >= total) return scheduleDone();
      const wait = scheduledAt(sent, ratePerS) - (performance.now() - start);
      setTimeout(tick, Math.max(0, wait));
    };
    tick();
  });

  let timedOut = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    graceTimer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, graceMs);
  });
  await Promise.race([done, grace]);
  clearTimeout(graceTimer);
  let timeouts = 0;
  if (timedOut) {
    const now = performance.now() - start;
    latencies.forEach((latency, index) => {
      if (!Number.isNaN(latency)) return;
      latencies[index] = now - scheduledAt(index, ratePerS);
      timeouts++;
    });
  }
  clientDelay.disable();
  agent.destroy();
  return {
    offeredRate: ratePerS,
    achievedRate: ok / durationS,
    scheduled: total,
    latencyMs: tail(Array.from(latencies)),
    failures,
    failureReasons,
    timeouts,
    clientLoopDelayP99Ms: clientDelay.percentile(99) / 1e6,
    clientLoopDelayMaxMs: clientDelay.max / 1e6,
    p99BySecondMs: Array.from({ length: Math.ceil(total / ratePerS) }, (_, second) =>
      tail(
        Array.from(
          latencies.subarray(Math.ceil(second * ratePerS), Math.ceil((second + 1) * ratePerS)),
        ),
      ),
    ).map((t) => t.p99),
  };
}

/** One request on `agent`: its status once the response has ended. */
export function exchange(agent: http.Agent, url: URL, request: OpenLoopRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const outgoing = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: body
          ? {
              'content-type': 'application/json',
              ...request.headers,
              'content-length': body.length,
            }
          : request.headers,
      },
      (response) => {
        response
          .on('end', () => resolve(response.statusCode ?? 0))
          .on('error', reject)
          .resume();
      },
    );
    outgoing.on('error', reject).end(body);
  });
}
