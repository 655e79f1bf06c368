/**
 * `npm run bench [-- --quick]`: the service over HTTP against PostgreSQL's own limit, measured in
 * the same run. For each scenario and concurrency, pgbench runs the same SQL transactions the
 * service issues (the baseline), then autocannon drives the service and, for create, get by id
 * and list first page, the floor (bench/floor.ts: a bare Nest + express + pg app issuing the
 * pgbench script's SQL); for the two reads also the controls (bench/control.ts: express and bare
 * node:http answering the service's own responses) and the express floor (express + pg, the JSON
 * built by PostgreSQL). Each run is baseline, service, floor, controls back to back, at least
 * twice. Then the open-loop phase (bench/open-loop.ts): create, complete, get and list at fixed
 * offered rates, 25/50/75 % of the service's closed-loop maximum, each after pgbench `-R` at the
 * same rate, with the service's event-loop delay during each run (and, for the reads, both floors
 * at the same rate). The service's peak RSS is taken phase by phase.
 * Then idle-then-cold (a write burst, 35 s idle, get by id open-loop twice: the first burst after
 * the idle spell against the next; then the same pattern with pgbench alone), and the long-stream scenarios: command latency and
 * `?version=` reads on a 10,000-event todo against a new one. Results:
 * bench/results/latest.{json,md,svg}.
 *
 * `--only long-stream` runs just the long-stream scenarios (a minute or two), `--only
 * idle-then-cold` just that one; both print their figures without writing the report. `--idle S`
 * sets the idle spell (35 s).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import path from 'node:path';
import { throughputChart } from './chart';
import type { ControlResponses } from './control';
import {
  App,
  BENCH,
  ROOT,
  fetchJson,
  http,
  log,
  openPostgres,
  prepareTodos,
  query,
  scratchDatabase,
  todoId,
  waitForSubscriptions,
} from './harness';
import type { HttpScenario, Measure } from './harness';
import { openLoop } from './open-loop';
import { watchPgActivity } from './pg-activity';
import type { PgActivity } from './pg-activity';
import type { OpenLoopRequest, OpenLoopResult } from './open-loop';
import {
  histogramQuantile,
  median,
  percentile,
  prometheusBuckets,
  prometheusValue,
  share,
  tail,
} from './stats';
import type { Tail } from './stats';

/** What `App.start` runs here: the service itself, or the floor and controls it is compared with. */
const APPS = {
  service: path.join(ROOT, 'dist', 'main.js'),
  floor: path.join(ROOT, 'dist-bench', 'bench', 'floor.js'),
  control: path.join(ROOT, 'dist-bench', 'bench', 'control.js'),
} as const;

const RESULTS = path.join(BENCH, 'results');

type Options = {
  quick: boolean;
  /** Run only this part (`long-stream`, `idle-then-cold`); unset: everything. */
  only?: 'long-stream' | 'idle-then-cold';
  durationS: number;
  concurrencies: number[];
  runs: number;
  todos: number;
  listRows: number;
  longStreamEvents: number;
  longStreamSamples: number;
  /** Length of each open-loop run, service and pgbench alike. */
  openLoopS: number;
  /** Offered rates, as fractions of the service's closed-loop maximum for the path. */
  openLoopFractions: number[];
  /** Idle-then-cold: the write burst before the idle spell, and each burst of gets after it. */
  coldWriteS: number;
  coldIdleS: number;
  coldBurstS: number;
};

function parseOptions(args: string[]): Options {
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  if (only !== undefined && only !== 'long-stream' && only !== 'idle-then-cold') {
    throw new Error(`--only takes 'long-stream' or 'idle-then-cold', not ${String(only)}`);
  }
  const parts: Pick<Options, 'only'> = only === undefined ? {} : { only };
  // `--idle S`: the idle spell of idle-then-cold; `--idle 0` tells what the write burst alone
  // leaves behind for the first reads after it.
  const idleAt = args.indexOf('--idle');
  const idle = idleAt >= 0 ? Number(args[idleAt + 1]) : 35;
  if (!Number.isInteger(idle) || idle < 0) throw new Error('--idle takes whole seconds');
  return quick
    ? {
        quick,
        ...parts,
        durationS: 2,
        concurrencies: [32],
        runs: 2,
        todos: 30_000,
        listRows: 100_000,
        longStreamEvents: 10_000,
        longStreamSamples: 30,
        openLoopS: 2,
        openLoopFractions: [0.25, 0.5, 0.75],
        coldWriteS: 5,
        coldIdleS: idle,
        coldBurstS: 8,
      }
    : {
        quick,
        ...parts,
        durationS: 10,
        concurrencies: [1, 8, 32],
        runs: 2,
        todos: 300_000,
        listRows: 1_000_000,
        longStreamEvents: 10_000,
        longStreamSamples: 200,
        openLoopS: 15,
        openLoopFractions: [0.25, 0.5, 0.75],
        coldWriteS: 15,
        coldIdleS: idle,
        coldBurstS: 8,
      };
}

/** One run of a scenario: its measurements back to back. */
type Run = {
  baseline: Measure;
  service: Measure;
  floor?: Measure;
  expressControl?: Measure;
  httpControl?: Measure;
  expressFloor?: Measure;
};
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
  /** Medians of the controls' runs (the read scenarios only). */
  expressControlRps?: number;
  httpControlRps?: number;
  /** service / control throughput: the share of the bare HTTP stack the service keeps. */
  serviceToExpress?: number;
  serviceToHttp?: number;
  /**
   * The express floor (express + pg, the JSON built by PostgreSQL): its median, its share of the
   * express control (the most a service answering from the database reaches here) and the
   * service's share of it.
   */
  expressFloorRps?: number;
  expressFloorToExpress?: number;
  serviceToExpressFloor?: number;
};

/** One open-loop rate of one path: pgbench `-R` and the service at the same offered rate. */
type OpenLoopResultRow = {
  scenario: string;
  fraction: number;
  rate: number;
  baseline: { tps: number; latencyMs: Tail; failures: number };
  service: OpenLoopResult;
  /** The service's event-loop delay over its run, from its own /metrics histogram (ms). */
  serviceLoopDelayP99Ms: number;
  /** Reads: the Nest floor and the express floor at the same rate, with the same client. */
  floor?: OpenLoopResult;
  expressFloor?: OpenLoopResult;
};

function pgbench(
  url: string,
  script: string,
  concurrency: number,
  durationS: number,
  variables: Record<string, string | number>,
  /** Open loop: transactions a second, scheduled; the logged latency then counts from the schedule. */
  rate?: number,
): Measure & { latencyMs: Tail } {
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
      ...(rate === undefined ? [] : ['-R', String(rate)]),
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
    const latencyMs = tail(latencies);
    return {
      throughput: tps ? Number(tps[1]) : Number.NaN,
      p50: latencyMs.p50,
      p99: latencyMs.p99,
      latencyMs,
      failures: failed ? Number(failed[1]) : 0,
    };
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // The preparation, pgbench and the floor write the tenant tables as the owner, outside the
  // service: their sessions name the default tenant, which the tables' tenant_id defaults read
  // (the service sets its tenant per transaction and overrides these connection options).
  process.env.PGOPTIONS = '-c todo.tenant=default';
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    throw new Error('pgbench is not on the PATH (Debian: apt-get install postgresql-client).');
  }

  const postgres = await openPostgres();
  const database = await scratchDatabase(postgres.adminUrl, `todo_bench_${Date.now()}`);
  const dbUrl = database.url;
  const pgVersion = String((await query(dbUrl, 'SHOW server_version'))[0]?.server_version);

  let service: App | undefined;
  let floor: App | undefined;
  let expressFloor: App | undefined;
  const workDir = mkdtempSync(path.join(tmpdir(), 'todo-bench-'));
  try {
    service = await App.start(dbUrl, APPS.service); // runs the migrations
    // Up for the whole run and idle while it is not measured, rather than a start per scenario:
    // a fresh process would be measured with a cold JIT.
    floor = await App.start(dbUrl, APPS.floor);
    expressFloor = await App.start(dbUrl, APPS.floor, { FLOOR: 'express' });
    const pool = Math.floor(options.todos / 3);
    log(`Preparing ${options.todos} todos and ${options.listRows} read-model rows...`);
    await prepareTodos(dbUrl, options.todos, options.listRows);

    if (options.only === 'long-stream') {
      const longStream = await measureLongStream(service.baseUrl, dbUrl, options, pool);
      logLongStream(longStream);
      log('Only the long-stream scenarios ran: no report written.');
      return;
    }

    const random = (n: number) => 1 + Math.floor(Math.random() * n);
    const createHttp: HttpScenario = {
      method: 'POST',
      path: () => '/todos',
      body: () => '{"title":"buy milk"}',
    };
    const getHttp: HttpScenario = { method: 'GET', path: () => `/todos/${todoId(random(pool))}` };

    if (options.only === 'idle-then-cold') {
      // The maximum the rate is half of, measured as the closed-loop scenario measures it.
      await http(service.baseUrl, getHttp, 8, options.quick ? 1 : 3);
      const max = await http(service.baseUrl, getHttp, 32, options.durationS);
      await measureIdleThenCold(
        service.baseUrl,
        dbUrl,
        createHttp,
        getHttp,
        max.throughput,
        options,
        { pool },
      );
      log('Only the idle-then-cold scenario ran: no report written.');
      return;
    }

    // Page 50 of the open todos, by the service's own cursor when it has one.
    const cursorPage = await findPage50(service.baseUrl, dbUrl);

    let renameCounter = 0;
    let completeNext = pool + 1;
    const scenarios: {
      name: string;
      script: string;
      variables: (c: number) => Record<string, string | number>;
      http: HttpScenario;
      /** The floor has a route for it: measured after the service with the same requests. */
      floor?: boolean;
      /** A read the controls answer: measured after the floor with the same requests. */
      control?: boolean;
      /** Measured open-loop too, after the closed-loop scenarios. */
      openLoop?: boolean;
    }[] = [
      {
        name: 'create',
        script: 'create.sql',
        variables: () => ({}),
        http: createHttp,
        floor: true,
        openLoop: true,
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
        openLoop: true,
      },
      {
        name: 'get by id',
        script: 'getbyid.sql',
        variables: () => ({ pool }),
        http: getHttp,
        floor: true,
        control: true,
        openLoop: true,
      },
      {
        name: `list first page (${options.listRows / 1000}k rows)`,
        script: 'list.sql',
        variables: () => ({}),
        http: { method: 'GET', path: () => '/todos?completed=false&limit=50' },
        floor: true,
        control: true,
        openLoop: true,
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

    // The service's peak RSS phase by phase: the kernel's high-water mark, set back at each start.
    const peakRssByPhase: Record<string, number> = {};
    const serviceApp = service;
    const phase = (name: string) => {
      peakRssByPhase[name] = serviceApp.peakRssMb;
      serviceApp.resetPeak();
    };
    phase('start and preparation');

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
      if (scenario.control) await http(expressFloor.baseUrl, scenario.http, 8, warmUpS);
      const controls = scenario.control
        ? await startControls(service.baseUrl, dbUrl, workDir, pool, warmUpS, scenario.http)
        : undefined;
      try {
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
            const expressControl = controls
              ? await http(controls.express.baseUrl, scenario.http, concurrency, options.durationS)
              : undefined;
            const httpControl = controls
              ? await http(controls.http.baseUrl, scenario.http, concurrency, options.durationS)
              : undefined;
            const expressFloorMeasured = controls
              ? await http(expressFloor.baseUrl, scenario.http, concurrency, options.durationS)
              : undefined;
            runs.push({
              baseline,
              service: measured,
              floor: floorMeasured,
              expressControl,
              httpControl,
              expressFloor: expressFloorMeasured,
            });
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
          const expressRuns = runs.flatMap((r) => (r.expressControl ? [r.expressControl] : []));
          const httpRuns = runs.flatMap((r) => (r.httpControl ? [r.httpControl] : []));
          if (expressRuns.length > 0 && httpRuns.length > 0) {
            result.expressControlRps = median(expressRuns.map((m) => m.throughput));
            result.httpControlRps = median(httpRuns.map((m) => m.throughput));
            result.serviceToExpress = share(result.serviceRps, result.expressControlRps);
            result.serviceToHttp = share(result.serviceRps, result.httpControlRps);
          }
          const expressFloorRuns = runs.flatMap((r) => (r.expressFloor ? [r.expressFloor] : []));
          if (expressFloorRuns.length > 0 && result.expressControlRps !== undefined) {
            result.expressFloorRps = median(expressFloorRuns.map((m) => m.throughput));
            result.expressFloorToExpress = share(result.expressFloorRps, result.expressControlRps);
            result.serviceToExpressFloor = share(result.serviceRps, result.expressFloorRps);
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
              floorLine +
              (result.expressControlRps === undefined
                ? ''
                : ` | express control ${result.expressControlRps.toFixed(0)}/s (service ${((result.serviceToExpress ?? Number.NaN) * 100).toFixed(0)}%), ` +
                  `node:http control ${(result.httpControlRps ?? Number.NaN).toFixed(0)}/s (service ${((result.serviceToHttp ?? Number.NaN) * 100).toFixed(0)}%), ` +
                  `express floor ${(result.expressFloorRps ?? Number.NaN).toFixed(0)}/s (${((result.expressFloorToExpress ?? Number.NaN) * 100).toFixed(0)}% of the express control)`),
          );
        }
      } finally {
        await controls?.express.stop();
        await controls?.http.stop();
      }
    }

    phase('closed loop');
    const openLoopResults = await measureOpenLoop(
      scenarios.filter((scenario) => scenario.openLoop),
      results,
      service.baseUrl,
      { floor, expressFloor },
      dbUrl,
      options,
    );
    phase('open loop');
    const idleThenCold = await measureIdleThenCold(
      service.baseUrl,
      dbUrl,
      createHttp,
      getHttp,
      results.find((r) => r.scenario === 'get by id' && r.concurrency === 32)?.serviceRps,
      options,
      { pool },
    );
    if (completeNext > 2 * pool + 1) {
      log(
        `warning: the service's complete requests ran past their ${pool} fresh todos; the last ones were conflicts.`,
      );
    }

    phase('idle, then cold');
    const longStream = await measureLongStream(service.baseUrl, dbUrl, options, pool);
    logLongStream(longStream);
    const contention = await measureContention(service.baseUrl, options);
    log(
      `blind writes: ${contention.succeeded}/${contention.sent} of ${contention.writers} concurrent PATCHes per round answered 2xx ` +
        `(${contention.busy} × 503, ${contention.other} other, ${contention.lost} lost), p99 ${contention.p99.toFixed(0)} ms`,
    );
    phase('long stream and blind writes');
    const peakRssMb = Math.max(...Object.values(peakRssByPhase));
    log(
      `service peak RSS: ${peakRssMb.toFixed(0)} MB (` +
        Object.entries(peakRssByPhase)
          .map(([name, mb]) => `${name} ${mb.toFixed(0)}`)
          .join(', ') +
        ')',
    );

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
      contention,
      peakRssMb,
      peakRssByPhase,
      openLoop: openLoopResults,
      idleThenCold,
    };
    writeReport(report, options);
  } finally {
    await floor?.stop();
    await expressFloor?.stop();
    await service?.stop();
    rmSync(workDir, { recursive: true, force: true });
    await database.drop();
    await postgres.stop();
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

/** Headers each server sets for itself per connection or per response. */
const PER_RESPONSE_HEADERS = new Set([
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
]);

/** The service's answer to a GET, body and headers, for the controls to answer in its place. */
async function capture(url: string): Promise<{ body: string; headers: Record<string, string> }> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body}`);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_RESPONSE_HEADERS.has(name)) headers[name] = value;
  });
  return { body, headers };
}

/**
 * Starts the express and node:http controls on the service's responses as they are now (a todo,
 * the first page of open todos), warmed up like the floor.
 */
async function startControls(
  serviceUrl: string,
  dbUrl: string,
  workDir: string,
  pool: number,
  warmUpS: number,
  scenario: HttpScenario,
): Promise<{ express: App; http: App }> {
  const responses: ControlResponses = {
    todo: await capture(`${serviceUrl}/todos/${todoId(1 + Math.floor(Math.random() * pool))}`),
    page: await capture(`${serviceUrl}/todos?completed=false&limit=50`),
  };
  const file = path.join(workDir, 'control-responses.json');
  writeFileSync(file, JSON.stringify(responses));
  const express = await App.start(dbUrl, APPS.control, {
    CONTROL: 'express',
    CONTROL_RESPONSES: file,
  });
  const bare = await App.start(dbUrl, APPS.control, { CONTROL: 'http', CONTROL_RESPONSES: file });
  await http(express.baseUrl, scenario, 8, warmUpS);
  await http(bare.baseUrl, scenario, 8, warmUpS);
  return { express, http: bare };
}

async function scrapeMetrics(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  return response.text();
}

/**
 * For each path, at each fraction of its closed-loop maximum (the service's median throughput at
 * the highest concurrency): pgbench `-R` at that rate, then the service open-loop at the same
 * rate, with the service's event-loop delay p99 over its run from the histogram it exports; for
 * the reads, then the Nest floor and the express floor at the same rate too: what the stack
 * itself does at that rate on this machine.
 *
 * The client holds as many connections as pgbench has clients, opened before the schedule starts,
 * as pgbench opens its own: both then count a request that waits for a free connection from its
 * scheduled time. (With a connection opened whenever every open one is busy, a stall made the
 * client open hundreds, and the service paid for accepting them in the middle of the run.)
 */
async function measureOpenLoop(
  scenarios: {
    name: string;
    script: string;
    variables: (c: number) => Record<string, string | number>;
    http: HttpScenario;
    control?: boolean;
  }[],
  closedLoop: ScenarioResult[],
  serviceUrl: string,
  references: { floor: App; expressFloor: App },
  dbUrl: string,
  options: Options,
): Promise<OpenLoopResultRow[]> {
  const clients = Math.max(...options.concurrencies);
  const rows: OpenLoopResultRow[] = [];
  for (const scenario of scenarios) {
    const max = closedLoop.find((r) => r.scenario === scenario.name && r.concurrency === clients);
    if (!max || !(max.serviceRps > 0)) {
      log(`${scenario.name}: no closed-loop maximum to take open-loop rates from; skipped.`);
      continue;
    }
    const next = (): OpenLoopRequest => ({
      method: scenario.http.method,
      path: scenario.http.path(),
      ...(scenario.http.body ? { body: scenario.http.body() } : {}),
    });
    for (const fraction of options.openLoopFractions) {
      const rate = Math.max(1, Math.round(max.serviceRps * fraction));
      const baseline = pgbench(
        dbUrl,
        scenario.script,
        clients,
        options.openLoopS,
        scenario.variables(clients),
        rate,
      );
      const client = { sockets: clients, preconnect: true };
      const before = prometheusBuckets(await scrapeMetrics(serviceUrl), LOOP_DELAY);
      const service = await openLoop(serviceUrl, next, rate, options.openLoopS, client);
      const after = prometheusBuckets(await scrapeMetrics(serviceUrl), LOOP_DELAY);
      // Each floor sat idle through the service's run and its pool closed idle connections: warmed
      // again as before its closed-loop runs.
      const reference = async (app: App) => {
        await http(app.baseUrl, scenario.http, 8, 1);
        return openLoop(app.baseUrl, next, rate, options.openLoopS, client);
      };
      const floors = scenario.control
        ? {
            floor: await reference(references.floor),
            expressFloor: await reference(references.expressFloor),
          }
        : {};
      const row: OpenLoopResultRow = {
        scenario: scenario.name,
        fraction,
        rate,
        baseline: {
          tps: baseline.throughput,
          latencyMs: baseline.latencyMs,
          failures: baseline.failures,
        },
        service,
        serviceLoopDelayP99Ms: histogramQuantile(before, after, 0.99) * 1000,
        ...floors,
      };
      rows.push(row);
      const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
      log(
        `open loop ${scenario.name.padEnd(28)} ${String(rate).padStart(5)}/s (${fraction * 100}% of max)  ` +
          `service p50 ${ms(service.latencyMs.p50)} p99 ${ms(service.latencyMs.p99)} p99.9 ${ms(service.latencyMs.p999)} ms, ` +
          `answered ${service.achievedRate.toFixed(0)}/s, loop delay p99 ${ms(row.serviceLoopDelayP99Ms)} ms | ` +
          `pgbench p50 ${ms(baseline.latencyMs.p50)} p99 ${ms(baseline.latencyMs.p99)} p99.9 ${ms(baseline.latencyMs.p999)} ms` +
          (floors.floor && floors.expressFloor
            ? ` | floor p99 ${ms(floors.floor.latencyMs.p99)}, express floor p99 ${ms(floors.expressFloor.latencyMs.p99)} ms`
            : '') +
          (service.failures || service.timeouts
            ? `  (${service.failures} failed, ${service.timeouts} unanswered)`
            : '') +
          (service.clientLoopDelayMaxMs > 50
            ? `  (the load generator itself stalled up to ${ms(service.clientLoopDelayMaxMs)} ms)`
            : ''),
      );
    }
  }
  return rows;
}

/** The service's event-loop delay histogram on /metrics. */
const LOOP_DELAY = 'nodejs_eventloop_delay_seconds';

/** One open-loop burst of gets, with what the service's own metrics saw during it. */
type Burst = OpenLoopResult & {
  loopDelayP99Ms: number;
  /** The service's own p99 of these requests (http_request_duration_seconds), from arrival to answer. */
  serverP99Ms: number;
  /** Connections the pool had to open for the burst, and the p99 of all waits for one. */
  connectionsOpened: number;
  poolWaitP99Ms: number;
  /** What PostgreSQL did meanwhile: checkpoints, autovacuum, its processes' CPU time. */
  pg: PgActivity;
};

type IdleThenCold = {
  rate: number;
  idleS: number;
  writeS: number;
  /** Connections open when the idle spell ended (from db_pool_connections). */
  connectionsAfterIdle: number;
  /** What PostgreSQL did during the idle spell. */
  idlePg: PgActivity;
  cold: Burst;
  warm: Burst;
  /**
   * The same pattern with nothing of ours in it: pgbench's creates, the same idle spell, then its
   * gets by id at the same rate (`-R`), twice. If pgbench's first burst is slow too, what is cold
   * is PostgreSQL or the machine, not the service.
   */
  baseline: { cold: Tail; warm: Tail };
};

/**
 * A service that sat idle must answer its first burst as fast as its tenth. A write burst
 * (creates at 32 connections), an idle spell longer than any idle timeout of ours, then gets
 * open-loop at half the closed-loop maximum (the "cold" burst), and at once the same again (the
 * "warm" one). Both bursts open their client connections afresh; what differs is the service.
 */
function describePg(pg: PgActivity): string {
  return (
    `${pg.checkpoints} checkpoints begun, ${pg.cpuSeconds.toFixed(2)} s CPU, ` +
    `at most ${pg.maxActiveBackends} backends active, autovacuum: ` +
    (pg.autovacuum.length > 0 ? pg.autovacuum.join('; ') : 'none')
  );
}

async function measureIdleThenCold(
  baseUrl: string,
  dbUrl: string,
  write: HttpScenario,
  get: HttpScenario,
  getMax: number | undefined,
  options: Options,
  getVariables: Record<string, string | number>,
): Promise<IdleThenCold | undefined> {
  if (!(getMax !== undefined && getMax > 0)) {
    log('idle then cold: no closed-loop maximum of get by id; skipped.');
    return undefined;
  }
  const rate = Math.max(1, Math.round(getMax / 2));
  // The open-loop client's requests and a scrape of /metrics first, as the warm burst will have
  // had them: otherwise the cold burst also pays for compiling what they reach and the load
  // generator's requests did not (a first time, not an idle spell).
  await openLoop(baseUrl, () => ({ method: get.method, path: get.path() }), rate, 2);
  await scrapeMetrics(baseUrl);
  await http(baseUrl, write, 32, options.coldWriteS);
  const idleWatch = await watchPgActivity(dbUrl);
  await new Promise((resolve) => setTimeout(resolve, options.coldIdleS * 1000));
  const idlePg = await idleWatch.stop();
  const afterIdle = await scrapeMetrics(baseUrl);
  const connectionsAfterIdle =
    prometheusValue(afterIdle, 'db_pool_connections{state="total"}') ?? Number.NaN;
  const burst = async (before: string): Promise<[Burst, string]> => {
    const watch = await watchPgActivity(dbUrl);
    const result = await openLoop(
      baseUrl,
      () => ({ method: get.method, path: get.path() }),
      rate,
      options.coldBurstS,
    );
    const pg = await watch.stop();
    const after = await scrapeMetrics(baseUrl);
    const opened = (text: string) =>
      prometheusValue(text, `${POOL_WAIT}_count{connection="opened"}`) ?? Number.NaN;
    return [
      {
        ...result,
        loopDelayP99Ms:
          histogramQuantile(
            prometheusBuckets(before, LOOP_DELAY),
            prometheusBuckets(after, LOOP_DELAY),
            0.99,
          ) * 1000,
        serverP99Ms:
          histogramQuantile(
            prometheusBuckets(before, REQUEST_DURATION, GET_BY_ID),
            prometheusBuckets(after, REQUEST_DURATION, GET_BY_ID),
            0.99,
          ) * 1000,
        connectionsOpened: opened(after) - opened(before),
        // Both series, a connection reused or opened, summed.
        poolWaitP99Ms:
          histogramQuantile(
            prometheusBuckets(before, POOL_WAIT),
            prometheusBuckets(after, POOL_WAIT),
            0.99,
          ) * 1000,
        pg,
      },
      after,
    ];
  };
  const [cold, afterCold] = await burst(afterIdle);
  const [warm] = await burst(afterCold);
  pgbench(dbUrl, 'create.sql', 32, options.coldWriteS, {});
  await new Promise((resolve) => setTimeout(resolve, options.coldIdleS * 1000));
  const pgBurst = () =>
    pgbench(dbUrl, 'getbyid.sql', 32, options.coldBurstS, getVariables, rate).latencyMs;
  const baseline = { cold: pgBurst(), warm: pgBurst() };
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  log(`idle then cold, idle spell: PostgreSQL ${describePg(idlePg)}`);
  for (const [label, b] of [
    ['cold', cold],
    ['warm', warm],
  ] as const) {
    log(
      `idle then cold, ${label} burst: get by id ${rate}/s for ${options.coldBurstS} s  p50 ${ms(b.latencyMs.p50)} ` +
        `p99 ${ms(b.latencyMs.p99)} p99.9 ${ms(b.latencyMs.p999)} ms, in the service p99 ${ms(b.serverP99Ms)} ms, ` +
        `loop delay p99 ${ms(b.loopDelayP99Ms)} ms (client's ${ms(b.clientLoopDelayP99Ms)}, max ${ms(b.clientLoopDelayMaxMs)} ms), ` +
        `${b.connectionsOpened} connections opened, pool wait p99 ${ms(b.poolWaitP99Ms)} ms` +
        (b.failures || b.timeouts
          ? `  (${b.failures} failed: ${JSON.stringify(b.failureReasons)}, ${b.timeouts} unanswered)`
          : '') +
        `; PostgreSQL ${describePg(b.pg)}; p99 by second ${b.p99BySecondMs.map(ms).join(' ')} ms`,
    );
  }
  for (const label of ['cold', 'warm'] as const) {
    const b = baseline[label];
    log(
      `idle then cold, pgbench ${label} burst: getbyid -R ${rate} for ${options.coldBurstS} s  p50 ${ms(b.p50)} ` +
        `p99 ${ms(b.p99)} p99.9 ${ms(b.p999)} ms`,
    );
  }
  return {
    rate,
    idleS: options.coldIdleS,
    writeS: options.coldWriteS,
    connectionsAfterIdle,
    idlePg,
    cold,
    warm,
    baseline,
  };
}

/** The service's own request durations on /metrics, and the series of get by id. */
const REQUEST_DURATION = 'http_request_duration_seconds';
const GET_BY_ID = ['method="GET"', 'route="/todos/:id"'];

/** The service's pool-wait histogram on /metrics. */
const POOL_WAIT = 'db_pool_wait_seconds';

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
  const versionReads = await measureVersionReads(baseUrl, longId, options, pool);
  return {
    events: options.longStreamEvents,
    samples: options.longStreamSamples,
    longP50,
    shortP50,
    ratio: longP50 / shortP50,
    versionReads,
  };
}

/**
 * `GET /todos/:id?version=N` on the long todo against a new todo's `?version=1`, interleaved on
 * one connection. N is the long todo's latest version: the renames before wrote snapshots, so
 * the read folds from the nearest one at or below N. Also timed, not a goal: N = the last
 * version inserted without snapshots, which has none at or below it and folds every event from
 * the first (streams written before snapshots existed; see docs/extending.md).
 */
async function measureVersionReads(
  baseUrl: string,
  longId: string,
  options: Options,
  pool: number,
) {
  const head = (await fetchJson(`${baseUrl}/todos/${longId}`)).body as { version: number };
  const time = async (id: string, version: number) => {
    const startedAt = performance.now();
    const response = await fetch(`${baseUrl}/todos/${id}?version=${version}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`?version= read returned ${response.status}`);
    return performance.now() - startedAt;
  };
  const long: number[] = [];
  const unsnapshotted: number[] = [];
  const short: number[] = [];
  for (let i = 0; i < options.longStreamSamples; i++) {
    long.push(await time(longId, head.version));
    unsnapshotted.push(await time(longId, options.longStreamEvents));
    short.push(await time(todoId(1 + ((i * 7919) % pool)), 1));
  }
  const longP50 = median(long);
  const shortP50 = median(short);
  const unsnapshottedP50 = median(unsnapshotted);
  return {
    version: head.version,
    longP50,
    shortP50,
    ratio: longP50 / shortP50,
    unsnapshottedVersion: options.longStreamEvents,
    unsnapshottedP50,
    unsnapshottedRatio: unsnapshottedP50 / shortP50,
  };
}

function logLongStream(longStream: Awaited<ReturnType<typeof measureLongStream>>): void {
  const v = longStream.versionReads;
  log(
    `command latency: ${longStream.events}-event todo p50 ${longStream.longP50.toFixed(2)} ms vs 1-event todo ` +
      `${longStream.shortP50.toFixed(2)} ms (×${longStream.ratio.toFixed(2)})`,
  );
  log(
    `?version= reads: ${longStream.events}-event todo at version ${v.version} p50 ${v.longP50.toFixed(2)} ms vs ` +
      `new todo at version 1 ${v.shortP50.toFixed(2)} ms (×${v.ratio.toFixed(2)}); at version ` +
      `${v.unsnapshottedVersion}, before its first snapshot, ${v.unsnapshottedP50.toFixed(2)} ms (×${v.unsnapshottedRatio.toFixed(2)})`,
  );
}

/**
 * Blind writes under contention: rounds of concurrent PATCHes without If-Match on one new todo.
 * "Apply to the latest state" should nearly always succeed; the rest must fail cleanly (503) and
 * none may be lost: the todo's version must end at 1 + the writes answered 2xx.
 */
async function measureContention(baseUrl: string, options: Options) {
  const writers = 50;
  const rounds = options.quick ? 3 : 10;
  let succeeded = 0;
  let busy = 0;
  let other = 0;
  let lost = 0;
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const created = await fetch(`${baseUrl}/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `contended ${round}` }),
    });
    const { id } = (await created.json()) as { id: string };
    let ok = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const startedAt = performance.now();
        const response = await fetch(`${baseUrl}/todos/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ title: `round ${round} writer ${writer}` }),
        });
        await response.arrayBuffer();
        latencies.push(performance.now() - startedAt);
        if (response.status >= 200 && response.status < 300) ok++;
        else if (response.status === 503) busy++;
        else other++;
      }),
    );
    const after = (await (await fetch(`${baseUrl}/todos/${id}`)).json()) as { version: number };
    succeeded += ok;
    lost += Math.max(0, 1 + ok - after.version);
  }
  return {
    writers,
    rounds,
    sent: writers * rounds,
    succeeded,
    busy,
    other,
    lost,
    p50: median(latencies),
    p99: percentile(latencies, 99),
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
  contention: Awaited<ReturnType<typeof measureContention>>;
  peakRssMb: number;
  peakRssByPhase: Record<string, number>;
  openLoop: OpenLoopResultRow[];
  idleThenCold?: IdleThenCold;
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
  const versionReads = report.longStream.versionReads;
  rows.push({
    path: `\`?version=${versionReads.version}\` on a todo with ${report.longStream.events} events`,
    goal: '≤ 2× `?version=1` on a new todo',
    value: `×${versionReads.ratio.toFixed(2)}`,
    met: versionReads.ratio <= 2,
  });
  const c = report.contention;
  rows.push({
    path: `${c.writers} concurrent blind PATCHes on one todo, ${c.rounds} rounds`,
    goal: '≥ 95% 2xx, the rest 503, none lost',
    value: `${((c.succeeded / c.sent) * 100).toFixed(1)}% 2xx, ${c.busy} × 503, ${c.other} other, ${c.lost} lost`,
    met: c.succeeded / c.sent >= 0.95 && c.other === 0 && c.lost === 0,
  });
  const controlGoal = (name: string, minShare: number) => {
    const r = at32(name);
    if (r?.serviceToExpress === undefined) return;
    rows.push({
      path: `${r.scenario}, 32 connections, against the express control`,
      goal: `≥ ${minShare * 100}%`,
      value:
        `${(r.serviceToExpress * 100).toFixed(0)}%` +
        (r.expressFloorToExpress === undefined
          ? ''
          : ` (express floor ${(r.expressFloorToExpress * 100).toFixed(0)}%)`),
      met: r.serviceToExpress >= minShare,
    });
  };
  controlGoal('get by id', 0.5);
  controlGoal('list first page', 0.45);
  // Open loop: the service's p99 within a multiple of pgbench's at the same rate, plus 10 ms.
  for (const [fraction, times] of [
    [0.5, 3],
    [0.75, 5],
  ] as const) {
    for (const r of report.openLoop.filter((o) => o.fraction === fraction)) {
      const limit = times * r.baseline.latencyMs.p99 + 10;
      rows.push({
        path: `${r.scenario}, open loop at ${fraction * 100}% of max (${r.rate}/s)`,
        goal: `p99 ≤ ${times}× pgbench's + 10 ms (${limit.toFixed(1)} ms)`,
        value:
          `p99 ${r.service.latencyMs.p99.toFixed(1)} ms` +
          (r.floor && r.expressFloor
            ? ` (Nest floor ${r.floor.latencyMs.p99.toFixed(1)}, express floor ${r.expressFloor.latencyMs.p99.toFixed(1)})`
            : ''),
        met: r.service.latencyMs.p99 <= limit && r.service.timeouts === 0,
      });
    }
  }
  const cold = report.idleThenCold;
  if (cold) {
    // The issue's words: a service that sat idle answers its first burst as fast as its tenth.
    // "As fast" allows what two bursts of the same load differ by on a quiet machine.
    const limit = 2 * cold.warm.latencyMs.p99 + 10;
    rows.push({
      path: `get by id, first burst after ${cold.idleS} s idle (${cold.rate}/s)`,
      goal: `p99 ≤ 2× the warm burst's + 10 ms (${limit.toFixed(1)} ms)`,
      value: `p99 ${cold.cold.latencyMs.p99.toFixed(1)} ms (warm ${cold.warm.latencyMs.p99.toFixed(1)} ms)`,
      met: cold.cold.latencyMs.p99 <= limit && cold.cold.timeouts === 0,
    });
  }
  rows.push({
    path: 'peak RSS under load',
    goal: '≤ 250 MB',
    value: `${report.peakRssMb.toFixed(0)} MB`,
    met: report.peakRssMb <= 250,
  });
  return rows;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '–' : Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
const pctOf = (n: number | undefined) => (n === undefined ? '–' : `${fmt(n * 100)}%`);

function controlsSection(report: Report): string[] {
  const rows = report.results.filter((r) => r.expressControlRps !== undefined);
  if (rows.length === 0) return [];
  return [
    '## Reads against the HTTP stack alone',
    '',
    "Controls (bench/control.ts): express, and bare node:http, answering the service's own response to the path " +
      '(body and headers captured from the service at the start of the scenario), measured right after it. ' +
      'Express floor (bench/floor.ts, `FLOOR=express`): a bare express app answering from the database as cheaply as it can, ' +
      'one statement whose JSON text PostgreSQL builds, sent as it arrives: the most of the express control that anything answering these reads from PostgreSQL reaches on this machine.',
    '',
    '| scenario | conns | service req/s | express control req/s | service/express | node:http control req/s | service/node:http | express floor req/s | express floor/express | service/express floor | service/pgbench |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.concurrency} | ${fmt(r.serviceRps)} | ${fmt(r.expressControlRps)} | ${pctOf(r.serviceToExpress)} ` +
        `| ${fmt(r.httpControlRps)} | ${pctOf(r.serviceToHttp)} | ${fmt(r.expressFloorRps)} | ${pctOf(r.expressFloorToExpress)} ` +
        `| ${pctOf(r.serviceToExpressFloor)} | ${pctOf(r.ratio)} |`,
    ),
    '',
  ];
}

function openLoopSection(report: Report): string[] {
  if (report.openLoop.length === 0) return [];
  return [
    '## Open loop',
    '',
    `Requests sent at a fixed rate (a share of the service's closed-loop maximum at ${Math.max(...report.results.map((r) => r.concurrency))} connections), ` +
      'latency from the scheduled send time; pgbench `-R` at the same rate (its latency includes its schedule lag). ' +
      "Event-loop delay: the service's own `nodejs_eventloop_delay_seconds` histogram over its run, as precise as its buckets. " +
      'A p99.9 from fewer than 1,000 requests is the slowest request. ' +
      `The client holds ${Math.max(...report.results.map((r) => r.concurrency))} connections, opened before the schedule starts, as pgbench does. ` +
      'For the reads, the Nest floor and the express floor were run the same way at the same rate right after the service.',
    '',
    '| scenario | offered req/s | share of max | requests | answered req/s | p50 ms | p99 ms | p99.9 ms | pgbench p50 ms | p99 ms | p99.9 ms | service p99 / pgbench p99 | event-loop delay p99 ms | Nest floor p99 ms | express floor p99 ms | failed | unanswered |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.openLoop.map(
      (r) =>
        `| ${r.scenario} | ${r.rate} | ${fmt(r.fraction * 100)}% | ${r.service.scheduled} | ${fmt(r.service.achievedRate)} ` +
        `| ${fmt(r.service.latencyMs.p50, 1)} | ${fmt(r.service.latencyMs.p99, 1)} | ${fmt(r.service.latencyMs.p999, 1)} ` +
        `| ${fmt(r.baseline.latencyMs.p50, 2)} | ${fmt(r.baseline.latencyMs.p99, 2)} | ${fmt(r.baseline.latencyMs.p999, 2)} ` +
        `| ×${fmt(r.service.latencyMs.p99 / r.baseline.latencyMs.p99, 1)} | ${fmt(r.serviceLoopDelayP99Ms, 1)} ` +
        `| ${fmt(r.floor?.latencyMs.p99, 1)} | ${fmt(r.expressFloor?.latencyMs.p99, 1)} | ${r.service.failures} | ${r.service.timeouts} |`,
    ),
    '',
  ];
}

function idleThenColdSection(report: Report): string[] {
  const c = report.idleThenCold;
  if (!c) return [];
  const row = (label: string, b: Burst) =>
    `| ${label} | ${fmt(b.latencyMs.p50, 1)} | ${fmt(b.latencyMs.p99, 1)} | ${fmt(b.latencyMs.p999, 1)} | ${fmt(b.latencyMs.max, 1)} ` +
    `| ${fmt(b.loopDelayP99Ms, 1)} | ${b.connectionsOpened} | ${fmt(b.poolWaitP99Ms, 1)} | ${b.failures} | ${b.timeouts} |`;
  return [
    '## Idle, then cold',
    '',
    `Creates at 32 connections for ${c.writeS} s, ${c.idleS} s idle (${fmt(c.connectionsAfterIdle)} pooled connections open at its end), ` +
      `then get by id open-loop at ${c.rate}/s (half the closed-loop maximum) for ${fmt(c.cold.scheduled / c.rate)} s: ` +
      'the first burst after the idle spell ("cold"), and at once the same again ("warm"). ' +
      "Event-loop delay and pool wait from the service's own /metrics histograms, as precise as their buckets.",
    '',
    '| burst | p50 ms | p99 ms | p99.9 ms | max ms | event-loop delay p99 ms | connections opened | pool wait p99 ms | failed | unanswered |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('cold (after idle)', c.cold),
    row('warm', c.warm),
    '',
    'The same with pgbench alone (its creates, the same idle spell, then `getbyid.sql -R` at the same rate twice), ' +
      'so that a slow first burst of its own points at PostgreSQL or the machine rather than the service:',
    '',
    '| pgbench burst | p50 ms | p99 ms | p99.9 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...(['cold', 'warm'] as const).map(
      (label) =>
        `| ${label} | ${fmt(c.baseline[label].p50, 2)} | ${fmt(c.baseline[label].p99, 2)} | ${fmt(c.baseline[label].p999, 2)} | ${fmt(c.baseline[label].max, 2)} |`,
    ),
    '',
  ];
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
    ...controlsSection(report),
    ...openLoopSection(report),
    ...idleThenColdSection(report),
    `Command latency (PATCH, 1 connection, ${report.longStream.samples} samples each, interleaved): ` +
      `${report.longStream.events}-event todo p50 ${f(report.longStream.longP50, 2)} ms, 1-event todo p50 ${f(report.longStream.shortP50, 2)} ms ` +
      `(×${f(report.longStream.ratio, 2)}).`,
    '',
    `Past-version reads (GET ?version=, 1 connection, ${report.longStream.samples} samples each, interleaved): ` +
      `${report.longStream.events}-event todo at version ${report.longStream.versionReads.version} p50 ${f(report.longStream.versionReads.longP50, 2)} ms, ` +
      `new todo at version 1 p50 ${f(report.longStream.versionReads.shortP50, 2)} ms (×${f(report.longStream.versionReads.ratio, 2)}); ` +
      `at version ${report.longStream.versionReads.unsnapshottedVersion} (written before snapshots, none at or below it) ` +
      `p50 ${f(report.longStream.versionReads.unsnapshottedP50, 2)} ms (×${f(report.longStream.versionReads.unsnapshottedRatio, 2)}).`,
    '',
    `Blind writes (${report.contention.writers} concurrent PATCHes without If-Match on one todo, ${report.contention.rounds} rounds): ` +
      `${report.contention.succeeded}/${report.contention.sent} answered 2xx, ${report.contention.busy} × 503, ${report.contention.other} other, ` +
      `${report.contention.lost} lost; latency p50 ${f(report.contention.p50)} ms, p99 ${f(report.contention.p99)} ms.`,
    '',
    `Service peak RSS: ${f(report.peakRssMb)} MB; by phase: ` +
      Object.entries(report.peakRssByPhase)
        .map(([name, mb]) => `${name} ${f(mb)} MB`)
        .join(', ') +
      '.',
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
