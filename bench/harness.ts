/**
 * What the benchmarks share: a PostgreSQL to run against (the configured one, or an embedded one),
 * scratch databases, the prepared todos, autocannon runs and the measured apps in child processes.
 * bench/run.ts measures one build against its baselines; bench/ab.ts two builds against each other.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/** The checkout these benchmarks were built from (dist-bench/bench/ -> the repository root). */
export const ROOT = path.resolve(__dirname, '..', '..');
export const BENCH = path.join(ROOT, 'bench');

export type Measure = { throughput: number; p50: number; p99: number; failures: number };

export const log = (message: string) => process.stdout.write(`${message}\n`);

/** md5('agg' || n)::uuid, the deterministic ids of the prepared todos. */
export function todoId(n: number): string {
  const hex = createHash('md5').update(`agg${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function query(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

export async function runSqlFile(url: string, file: string, params: unknown[]): Promise<void> {
  const statements = readFileSync(file, 'utf8')
    .split(/;\s*\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter(Boolean);
  for (const statement of statements) await query(url, statement, params);
}

export type HttpScenario = {
  method: 'GET' | 'POST' | 'PATCH';
  path: () => string;
  body?: () => string;
};

export async function http(
  baseUrl: string,
  scenario: HttpScenario,
  concurrency: number,
  durationS: number,
): Promise<Measure> {
  const result = await autocannon({
    url: baseUrl,
    connections: concurrency,
    duration: durationS,
    requests: [
      {
        method: scenario.method,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          path: scenario.path(),
          ...(scenario.body ? { body: scenario.body() } : {}),
        }),
      },
    ],
  });
  const ok = result.requests.total - result.non2xx;
  return {
    throughput: ok / durationS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** The Node flags of `npm run start:prod`, so the benchmark runs the service as production does. */
export function productionNodeFlags(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  // `exec` (newer checkouts) lets npm's signals reach the service; the flags are what count.
  const match = /^(?:exec )?node((?: --\S+)*) dist\/main\.js$/.exec(scripts['start:prod'] ?? '');
  if (!match) {
    throw new Error('package.json: start:prod is not "[exec] node [--flags] dist/main.js".');
  }
  return match[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** A measured app in a child process, with its peak RSS sampled. */
export class App {
  private peakRssKb = 0;
  private sampler?: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    this.sampler = setInterval(() => this.sample(), 200);
  }

  /**
   * Starts `script` (a built file of the checkout at `root`) with the Node flags of that
   * checkout's `start:prod`: the floor and the controls run with the service's flags, so the
   * difference between them is the code.
   */
  static async start(
    databaseUrl: string,
    script: string,
    extraEnv: Record<string, string> = {},
    root: string = ROOT,
  ): Promise<App> {
    const app = path.basename(script);
    const child = spawn(process.execPath, [...productionNodeFlags(root), script], {
      cwd: root,
      // Production settings, but no rate limit: the benchmark measures the service, not the
      // limiter (which would answer most requests with 429 from one client address).
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        NODE_ENV: 'production',
        RATE_LIMIT_MAX: '0',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Listening on http:\/\/localhost:(\d+)/.exec(output);
        if (!match) return;
        // From here on the log is only drained: keeping and scanning it would cost this process
        // CPU that grows with the run, on the machine the service is measured on.
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        output = '';
        resolve(Number(match[1]));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`the ${app} exited (${code}) during start:\n${output}`)),
      );
    });
    child.stdout?.resume();
    child.stderr?.resume();
    return new App(child, `http://127.0.0.1:${port}`);
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) this.peakRssKb = Math.max(this.peakRssKb, Number(hwm[1]));
    } catch {
      // the process is gone; the last sample stands
    }
  }

  /** The process id, for its CPU time in /proc. */
  get pid(): number {
    return this.child.pid ?? Number.NaN;
  }

  get peakRssMb(): number {
    this.sample();
    return this.peakRssKb / 1024;
  }

  /**
   * Starts a new peak: the kernel's high-water mark is set back to the RSS of now, so that the
   * next `peakRssMb` is the peak of what ran in between (a phase of the benchmark).
   */
  resetPeak(): void {
    this.sample();
    try {
      writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
      this.peakRssKb = 0;
      this.sample();
    } catch {
      // Not Linux, or the process is gone: the peak stays the peak since the start.
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    this.sample();
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export async function fetchJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

/**
 * Waits until the service's subscriptions (the activity module's, ...) have processed every
 * event. The prepared rows are appended behind the service's back; catching up on them while
 * measuring would charge that one-off work to the scenarios. Work on events the scenarios
 * themselves append stays in the measurement.
 */
export async function waitForSubscriptions(dbUrl: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await query(
      dbUrl,
      `SELECT c.name, (SELECT count(*) FROM events e
         WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag
       FROM projection_checkpoints c`,
    );
    const parked = await query(dbUrl, 'SELECT projection, error FROM projection_dead_letters');
    if (parked.length > 0) {
      throw new Error(`a subscription parked an event: ${JSON.stringify(parked[0])}`);
    }
    const lag = rows.reduce((sum, row) => sum + Number(row.lag), 0);
    if (rows.length > 0 && lag === 0) return;
    if (Date.now() - started > 600_000) throw new Error(`subscriptions still ${lag} events behind`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The configured PostgreSQL (DATABASE_URL, else the local default), or an embedded one if none answers. */
export async function openPostgres(): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    await query(adminUrl, 'SELECT 1');
    return { adminUrl, stop: async () => {} };
  } catch {
    log(`No PostgreSQL at ${adminUrl}; starting an embedded one.`);
    const dir = mkdtempSync(path.join(tmpdir(), 'todo-bench-pg-'));
    const embedded = await startEmbeddedPostgres(dir, () => undefined);
    return {
      adminUrl: embedded.url,
      stop: async () => {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** A new empty database beside `adminUrl`'s; `drop` removes it even with sessions still open. */
export async function scratchDatabase(
  adminUrl: string,
  name: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  await query(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      query(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(
        () => undefined,
        () => undefined,
      ),
  };
}

/**
 * `todos` todos with one event each (ids `todoId(1..todos)`) and the read model grown to
 * `listRows` rows, written behind the service's back as the owner, then the subscriptions given
 * time to catch up. The rows go in as the session's tenant (PGOPTIONS) where the tables have one.
 */
export async function prepareTodos(dbUrl: string, todos: number, listRows: number): Promise<void> {
  await runSqlFile(dbUrl, path.join(BENCH, 'prep-todos.sql'), [todos]);
  await runSqlFile(dbUrl, path.join(BENCH, 'fill-read-model.sql'), [listRows]);
  await query(dbUrl, 'VACUUM ANALYZE events');
  await query(dbUrl, 'VACUUM ANALYZE todo_read_views');
  log('Waiting for the subscriptions to catch up on the prepared events...');
  await waitForSubscriptions(dbUrl);
}
