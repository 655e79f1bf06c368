/**
 * `npm run bench [-- --quick]`: the service over HTTP against PostgreSQL's own limit, measured in
 * the same run. For each scenario and concurrency, pgbench runs the same SQL transactions the
 * service issues (the baseline), then autocannon drives the service and, for create, get by id
 * and list first page, the floor (bench/floor.ts: a bare Nest + express + pg app issuing the
 * pgbench script's SQL); each run is baseline, service, floor back to back, at least twice.
 * Results: bench/results/latest.{json,md,svg}.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { throughputChart } from './chart';
import { median, percentile } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const BENCH = path.join(ROOT, 'bench');
const RESULTS = path.join(BENCH, 'results');

type Options = {
  quick: boolean;
  durationS: number;
  concurrencies: number[];
  runs: number;
  todos: number;
  listRows: number;
  longStreamEvents: number;
  longStreamSamples: number;
};

function parseOptions(args: string[]): Options {
  const quick = args.includes('--quick');
  return quick
    ? {
        quick,
        durationS: 2,
        concurrencies: [32],
        runs: 2,
        todos: 30_000,
        listRows: 100_000,
        longStreamEvents: 10_000,
        longStreamSamples: 30,
      }
    : {
        quick,
        durationS: 10,
        concurrencies: [1, 8, 32],
        runs: 2,
        todos: 300_000,
        listRows: 1_000_000,
        longStreamEvents: 10_000,
        longStreamSamples: 200,
      };
}

type Measure = { throughput: number; p50: number; p99: number; failures: number };
/** One run of a scenario: its measurements back to back. */
type Run = { baseline: Measure; service: Measure; floor?: Measure };
type ScenarioResult = {
  scenario: string;
  concurrency: number;
  runs: Run[];
  baselineTps: number;
  serviceRps: number;
  ratio: number;
  serviceP50: number;
  serviceP99: number;
  baselineP50: number;
  baselineP99: number;
  failures: number;
  /** Medians of the floor's runs, for the scenarios it has a route for. */
  floorRps?: number;
  floorP50?: number;
  floorP99?: number;
  /** floor / baseline throughput. */
  floorRatio?: number;
  /** service / floor throughput: how much of the floor the service keeps. */
  serviceToFloor?: number;
  floorFailures?: number;
};

/** md5('agg' || n)::uuid, the deterministic ids of the prepared todos. */
function todoId(n: number): string {
  const hex = createHash('md5').update(`agg${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const log = (message: string) => process.stdout.write(`${message}\n`);

async function query(
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

async function runSqlFile(url: string, file: string, params: unknown[]): Promise<void> {
  const statements = readFileSync(file, 'utf8')
    .split(/;\s*\n/)
    .map((s) => s.replace(/^--.*$/gm, '').trim())
    .filter(Boolean);
  for (const statement of statements) await query(url, statement, params);
}

function pgbench(
  url: string,
  script: string,
  concurrency: number,
  durationS: number,
  variables: Record<string, string | number>,
): Measure {
  const logDir = mkdtempSync(path.join(tmpdir(), 'pgbench-'));
  try {
    const args = [
      '-n',
      '-M',
      'extended',
      '-f',
      path.join(BENCH, 'pgbench', script),
      '-c',
      String(concurrency),
      '-j',
      String(Math.min(concurrency, 2)),
      '-T',
      String(durationS),
      '-l',
      '--log-prefix',
      path.join(logDir, 'tx'),
      ...Object.entries(variables).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
      url,
    ];
    const run = spawnSync('pgbench', args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`pgbench ${script} failed: ${run.stderr}`);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout);
    const failed = /number of failed transactions: (\d+)/.exec(run.stdout);
    const latencies: number[] = [];
    for (const file of readdirSync(logDir)) {
      for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
        const micros = Number(line.split(' ')[2]);
        if (Number.isFinite(micros) && line) latencies.push(micros / 1000);
      }
    }
    return {
      throughput: tps ? Number(tps[1]) : Number.NaN,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failures: failed ? Number(failed[1]) : 0,
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

type HttpScenario = {
  method: 'GET' | 'POST' | 'PATCH';
  path: () => string;
  body?: () => string;
};

async function http(
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
function productionNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^node((?: --\S+)*) dist\/main\.js$/.exec(scripts['start:prod'] ?? '');
  if (!match) throw new Error('package.json: start:prod is not "node [--flags] dist/main.js".');
  return match[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** What `App.start` can run: the service itself, or the floor it is compared with. */
const APPS = {
  service: path.join(ROOT, 'dist', 'main.js'),
  floor: path.join(ROOT, 'dist-bench', 'bench', 'floor.js'),
} as const;

/** A measured app in a child process, with its peak RSS sampled. */
class App {
  private peakRssKb = 0;
  private sampler?: NodeJS.Timeout;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    this.sampler = setInterval(() => this.sample(), 200);
  }

  static async start(databaseUrl: string, app: keyof typeof APPS = 'service'): Promise<App> {
    const child = spawn(
      process.execPath,
      // The floor runs with the service's Node flags: the difference between them is the code.
      [...productionNodeFlags(), APPS[app]],
      {
        // Production settings, but no rate limit: the benchmark measures the service, not the
        // limiter (which would answer most requests with 429 from one client address).
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          PORT: '0',
          NODE_ENV: 'production',
          RATE_LIMIT_MAX: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
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

  get peakRssMb(): number {
    this.sample();
    return this.peakRssKb / 1024;
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    this.sample();
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

async function fetchJson(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    throw new Error('pgbench is not on the PATH (Debian: apt-get install postgresql-client).');
  }

  let adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let stopServer = async () => {};
  try {
    await query(adminUrl, 'SELECT 1');
  } catch {
    log(`No PostgreSQL at ${adminUrl}; starting an embedded one.`);
    const dir = mkdtempSync(path.join(tmpdir(), 'todo-bench-pg-'));
    const embedded = await startEmbeddedPostgres(dir, () => undefined);
    adminUrl = embedded.url;
    stopServer = async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const dbName = `todo_bench_${Date.now()}`;
  await query(adminUrl, `CREATE DATABASE ${dbName}`);
  const dbUrlObject = new URL(adminUrl);
  dbUrlObject.pathname = `/${dbName}`;
  const dbUrl = dbUrlObject.toString();
  const pgVersion = String((await query(dbUrl, 'SHOW server_version'))[0]?.server_version);

  let service: App | undefined;
  let floor: App | undefined;
  try {
    service = await App.start(dbUrl); // runs the migrations
    // Up for the whole run and idle while it is not measured, rather than a start per scenario:
    // a fresh process would be measured with a cold JIT.
    floor = await App.start(dbUrl, 'floor');
    const pool = Math.floor(options.todos / 3);
    log(`Preparing ${options.todos} todos and ${options.listRows} read-model rows...`);
    await runSqlFile(dbUrl, path.join(BENCH, 'prep-todos.sql'), [options.todos]);
    await runSqlFile(dbUrl, path.join(BENCH, 'fill-read-model.sql'), [options.listRows]);
    await query(dbUrl, 'VACUUM ANALYZE events');
    await query(dbUrl, 'VACUUM ANALYZE todo_read_views');
    log('Waiting for the subscriptions to catch up on the prepared events...');
    await waitForSubscriptions(dbUrl);

    // Page 50 of the open todos, by the service's own cursor when it has one.
    const cursorPage = await findPage50(service.baseUrl, dbUrl);

    let renameCounter = 0;
    let completeNext = pool + 1;
    const random = (n: number) => 1 + Math.floor(Math.random() * n);
    const scenarios: {
      name: string;
      script: string;
      variables: (c: number) => Record<string, string | number>;
      http: HttpScenario;
      /** The floor has a route for it: measured after the service with the same requests. */
      floor?: boolean;
    }[] = [
      {
        name: 'create',
        script: 'create.sql',
        variables: () => ({}),
        http: { method: 'POST', path: () => '/todos', body: () => '{"title":"buy milk"}' },
        floor: true,
      },
      {
        name: 'change title',
        script: 'rename.sql',
        // Each pgbench client renames its own todos: a collision would abort the client.
        variables: (c) => ({ pool, nc: c }),
        http: {
          method: 'PATCH',
          path: () => `/todos/${todoId(random(pool))}`,
          body: () => `{"title":"renamed ${++renameCounter}"}`,
        },
      },
      {
        name: 'complete',
        script: 'complete.sql',
        // pgbench completes todos in the last third, the service those in the middle third.
        variables: (c) => ({ pool, nc: c, offset: 2 * pool }),
        // Each request completes a todo nobody has completed yet.
        http: { method: 'POST', path: () => `/todos/${todoId(completeNext++)}/complete` },
      },
      {
        name: 'get by id',
        script: 'getbyid.sql',
        variables: () => ({ pool }),
        http: { method: 'GET', path: () => `/todos/${todoId(random(pool))}` },
        floor: true,
      },
      {
        name: `list first page (${options.listRows / 1000}k rows)`,
        script: 'list.sql',
        variables: () => ({}),
        http: { method: 'GET', path: () => '/todos?completed=false&limit=50' },
        floor: true,
      },
      ...(cursorPage
        ? [
            {
              name: 'list page 50 by cursor',
              script: 'list_cursor.sql',
              variables: () => ({
                cursor_created_at: cursorPage.createdAt,
                cursor_id: cursorPage.id,
              }),
              http: { method: 'GET' as const, path: () => cursorPage.path },
            },
          ]
        : []),
    ];

    // Warm the JIT and the pools before measuring.
    const warmUpS = options.quick ? 1 : 3;
    await http(service.baseUrl, scenarios[3]!.http, 8, warmUpS);

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      // The floor sits idle through the scenarios it has no route for, and its pool closes idle
      // connections after 10 s, as the service's does. Measured cold, its first run came out as
      // low as a third of its second; the service, measured in every scenario, never gets that
      // cold.
      if (scenario.floor) await http(floor.baseUrl, scenario.http, 8, warmUpS);
      for (const concurrency of options.concurrencies) {
        const runs: Run[] = [];
        for (let run = 0; run < options.runs; run++) {
          const baseline = pgbench(
            dbUrl,
            scenario.script,
            concurrency,
            options.durationS,
            scenario.variables(concurrency),
          );
          const measured = await http(
            service.baseUrl,
            scenario.http,
            concurrency,
            options.durationS,
          );
          const floorMeasured = scenario.floor
            ? await http(floor.baseUrl, scenario.http, concurrency, options.durationS)
            : undefined;
          runs.push({ baseline, service: measured, floor: floorMeasured });
        }
        const result: ScenarioResult = {
          scenario: scenario.name,
          concurrency,
          runs,
          baselineTps: median(runs.map((r) => r.baseline.throughput)),
          serviceRps: median(runs.map((r) => r.service.throughput)),
          ratio: Number.NaN,
          serviceP50: median(runs.map((r) => r.service.p50)),
          serviceP99: median(runs.map((r) => r.service.p99)),
          baselineP50: median(runs.map((r) => r.baseline.p50)),
          baselineP99: median(runs.map((r) => r.baseline.p99)),
          failures: runs.reduce((sum, r) => sum + r.service.failures, 0),
        };
        result.ratio = result.serviceRps / result.baselineTps;
        const floorRuns = runs.flatMap((r) => (r.floor ? [r.floor] : []));
        if (floorRuns.length > 0) {
          result.floorRps = median(floorRuns.map((m) => m.throughput));
          result.floorP50 = median(floorRuns.map((m) => m.p50));
          result.floorP99 = median(floorRuns.map((m) => m.p99));
          result.floorRatio = result.floorRps / result.baselineTps;
          result.serviceToFloor = result.serviceRps / result.floorRps;
          result.floorFailures = floorRuns.reduce((sum, m) => sum + m.failures, 0);
        }
        results.push(result);
        const floorLine =
          result.floorRps === undefined
            ? ''
            : ` | floor ${result.floorRps.toFixed(0).padStart(6)}/s p99 ${result.floorP99?.toFixed(1)} ms ` +
              `(${((result.floorRatio ?? Number.NaN) * 100).toFixed(0)}% of baseline, service ${((result.serviceToFloor ?? Number.NaN) * 100).toFixed(0)}% of floor)` +
              (result.floorFailures ? `  (${result.floorFailures} failed floor requests)` : '');
        log(
          `${scenario.name.padEnd(28)} c=${String(concurrency).padStart(2)}  service ${result.serviceRps.toFixed(0).padStart(6)}/s ` +
            `p50 ${result.serviceP50.toFixed(1)} p99 ${result.serviceP99.toFixed(1)} ms | baseline ${result.baselineTps.toFixed(0).padStart(6)}/s ` +
            `| ratio ${(result.ratio * 100).toFixed(0)}%${result.failures ? `  (${result.failures} failed requests)` : ''}` +
            floorLine,
        );
      }
    }

    const longStream = await measureLongStream(service.baseUrl, dbUrl, options, pool);
    log(
      `command latency: ${options.longStreamEvents}-event todo p50 ${longStream.longP50.toFixed(2)} ms vs 1-event todo ` +
        `${longStream.shortP50.toFixed(2)} ms (×${longStream.ratio.toFixed(2)})`,
    );
    const peakRssMb = service.peakRssMb;
    log(`service peak RSS: ${peakRssMb.toFixed(0)} MB`);

    const report = {
      date: new Date().toISOString(),
      quick: options.quick,
      durationSeconds: options.durationS,
      runsPerScenario: options.runs,
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
      machine: {
        cpus: os.cpus().length,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: pgVersion,
      },
      results,
      longStream,
      peakRssMb,
    };
    writeReport(report, options);
  } finally {
    await floor?.stop();
    await service?.stop();
    await query(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await stopServer();
  }
}

/**
 * Waits until the service's subscriptions (the activity module's, ...) have processed every
 * event. The prepared rows are appended behind the service's back; catching up on them while
 * measuring would charge that one-off work to the scenarios. Work on events the scenarios
 * themselves append stays in the measurement.
 */
async function waitForSubscriptions(dbUrl: string): Promise<void> {
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

async function findPage50(
  baseUrl: string,
  dbUrl: string,
): Promise<{ path: string; createdAt: string; id: string } | undefined> {
  let path = '/todos?completed=false&limit=50';
  for (let page = 1; page < 50; page++) {
    const { body } = await fetchJson(baseUrl + path);
    const next = (body as { nextCursor?: string | null }).nextCursor;
    if (!next) return undefined; // no cursor pagination in this build
    path = `/todos?completed=false&limit=50&cursor=${encodeURIComponent(next)}`;
  }
  // The same position for pgbench: the last row before page 50, straight from the table.
  const rows = await query(
    dbUrl,
    `SELECT created_at, id FROM todo_read_views WHERE completed = false
     ORDER BY created_at DESC, id DESC OFFSET 2449 LIMIT 1`,
  );
  const row = rows[0] as { created_at: Date; id: string } | undefined;
  return row && { path, createdAt: row.created_at.toISOString(), id: row.id };
}

async function measureLongStream(baseUrl: string, dbUrl: string, options: Options, pool: number) {
  const longId = todoId(options.todos + 1);
  await query(
    dbUrl,
    `INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload)
     SELECT $1::uuid, s, 'todo', CASE WHEN s = 1 THEN 'TodoCreated' ELSE 'TodoTitleChanged' END,
            CASE WHEN s = 1 THEN jsonb_build_object('todoId', $1::uuid, 'title', 'long 1', 'createdAt', '2026-01-01T00:00:00.000Z')
                 ELSE jsonb_build_object('todoId', $1::uuid, 'title', 'long ' || s, 'changedAt', '2026-01-01T00:00:00.000Z') END
     FROM generate_series(1, $2::int) s`,
    [longId, options.longStreamEvents],
  );
  await query(
    dbUrl,
    `INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
     VALUES ($1, $2, false, $3, '2026-01-01', '2026-01-01')`,
    [longId, `long ${options.longStreamEvents}`, options.longStreamEvents],
  );
  await waitForSubscriptions(dbUrl);
  const time = async (id: string, title: string) => {
    const startedAt = performance.now();
    const response = await fetch(`${baseUrl}/todos/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`rename returned ${response.status}`);
    return performance.now() - startedAt;
  };
  const long: number[] = [];
  const short: number[] = [];
  // Interleaved, so both sides see the same machine conditions.
  for (let i = 0; i < options.longStreamSamples; i++) {
    long.push(await time(longId, `long rename ${i}`));
    short.push(await time(todoId(1 + ((i * 7919) % pool)), `short rename ${i}`));
  }
  const longP50 = median(long);
  const shortP50 = median(short);
  return {
    events: options.longStreamEvents,
    samples: options.longStreamSamples,
    longP50,
    shortP50,
    ratio: longP50 / shortP50,
  };
}

type Report = {
  date: string;
  quick: boolean;
  durationSeconds: number;
  runsPerScenario: number;
  elapsedSeconds: number;
  machine: { cpus: number; memoryGb: number; node: string; postgres: string };
  results: ScenarioResult[];
  longStream: Awaited<ReturnType<typeof measureLongStream>>;
  peakRssMb: number;
};

function goals(report: Report): { path: string; goal: string; value: string; met: boolean }[] {
  const at32 = (name: string) =>
    report.results.find((r) => r.scenario.startsWith(name) && r.concurrency === 32);
  const rows: { path: string; goal: string; value: string; met: boolean }[] = [];
  const ratioGoal = (name: string, minRatio: number, maxP99?: number) => {
    const r = at32(name);
    if (!r) return;
    const value = `${(r.ratio * 100).toFixed(0)}%, p99 ${r.serviceP99.toFixed(1)} ms`;
    const goal = `≥ ${minRatio * 100}%` + (maxP99 ? `, p99 ≤ ${maxP99} ms` : '');
    rows.push({
      path: `${r.scenario}, 32 connections`,
      goal,
      value,
      met: r.ratio >= minRatio && (!maxP99 || r.serviceP99 <= maxP99),
    });
  };
  ratioGoal('create', 0.35, 50);
  ratioGoal('complete', 0.3, 50);
  ratioGoal('change title', 0.3, 50);
  ratioGoal('get by id', 0.2);
  ratioGoal('list first page', 0.15, 30);
  rows.push({
    path: `a todo with ${report.longStream.events} events`,
    goal: '≤ 2× the latency of a new todo',
    value: `×${report.longStream.ratio.toFixed(2)}`,
    met: report.longStream.ratio <= 2,
  });
  rows.push({
    path: 'peak RSS under load',
    goal: '≤ 250 MB',
    value: `${report.peakRssMb.toFixed(0)} MB`,
    met: report.peakRssMb <= 250,
  });
  return rows;
}

function writeReport(report: Report, options: Options): void {
  const goalRows = goals(report);
  const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  // Scenarios the floor has no route for: not measured, unlike a measurement that failed (n/a).
  const fo = (n: number | undefined, digits = 0) => (n === undefined ? '–' : f(n, digits));
  const pct = (n: number | undefined) => (n === undefined ? '–' : `${f(n * 100)}%`);
  const md = [
    `# Benchmark ${options.quick ? '(quick) ' : ''}— ${report.date}`,
    '',
    `Machine: ${report.machine.cpus} CPUs, ${report.machine.memoryGb} GiB, Node ${report.machine.node}, PostgreSQL ${report.machine.postgres}. ` +
      `${report.runsPerScenario} runs of ${report.durationSeconds} s per scenario and concurrency, baseline, service and floor back to back; medians shown. ` +
      `Whole run: ${report.elapsedSeconds} s.`,
    '',
    "Floor: a bare Nest + express + pg app (bench/floor.ts) issuing the pgbench script's SQL, with the service's pool size and Node flags; " +
      'floor ratio is floor / pgbench, service/floor what the service keeps of the floor.',
    '',
    '| scenario | conns | service req/s | p50 ms | p99 ms | pgbench tps | p50 ms | p99 ms | ratio | floor req/s | floor p99 ms | floor ratio | service/floor | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.results.map(
      (r) =>
        `| ${r.scenario} | ${r.concurrency} | ${f(r.serviceRps)} | ${f(r.serviceP50, 1)} | ${f(r.serviceP99, 1)} | ${f(r.baselineTps)} | ${f(r.baselineP50, 2)} | ${f(r.baselineP99, 2)} | ${f(r.ratio * 100)}% ` +
        `| ${fo(r.floorRps)} | ${fo(r.floorP99, 1)} | ${pct(r.floorRatio)} | ${pct(r.serviceToFloor)} | ${r.failures}${r.floorFailures ? ` (floor ${r.floorFailures})` : ''} |`,
    ),
    '',
    `Command latency (PATCH, 1 connection, ${report.longStream.samples} samples each, interleaved): ` +
      `${report.longStream.events}-event todo p50 ${f(report.longStream.longP50, 2)} ms, 1-event todo p50 ${f(report.longStream.shortP50, 2)} ms ` +
      `(×${f(report.longStream.ratio, 2)}).`,
    '',
    `Service peak RSS: ${f(report.peakRssMb)} MB.`,
    '',
    '## Goals',
    '',
    '| path | goal | measured | met |',
    '| --- | --- | --- | --- |',
    ...goalRows.map((g) => `| ${g.path} | ${g.goal} | ${g.value} | ${g.met ? 'yes' : '**no**'} |`),
    '',
  ].join('\n');
  const svg = throughputChart(
    `Throughput: service vs floor vs pgbench baseline (${report.date.slice(0, 10)}${options.quick ? ', quick' : ''})`,
    report.results.map((r) => ({
      label: `${r.scenario} ×${r.concurrency}`,
      service: r.serviceRps,
      baseline: r.baselineTps,
      floor: r.floorRps,
    })),
  );
  mkdirSync(RESULTS, { recursive: true });
  const stem = options.quick ? 'quick' : 'latest';
  writeFileSync(
    path.join(RESULTS, `${stem}.json`),
    JSON.stringify({ ...report, goals: goalRows }, null, 2) + '\n',
  );
  writeFileSync(path.join(RESULTS, `${stem}.md`), md);
  writeFileSync(path.join(RESULTS, `${stem}.svg`), svg);
  log(`\n${md}`);
  log(`Written: bench/results/${stem}.{json,md,svg}`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
