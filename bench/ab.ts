/**
 * `npm run bench:ab -- <revA> <revB> [--quick] [--rounds N] [--duration S]`: two builds of the
 * service against each other on the same machine in the same run. Each revision is checked out
 * into a temporary git worktree and built there (its dependencies installed with `npm ci`, or
 * linked when its lockfile matches one already installed); each service runs on its own scratch
 * database holding the same prepared todos. Then, for create, complete, get by id and list first
 * page, autocannon at 32 connections drives A and B in interleaved rounds (A, B, A, B, ...), so a
 * change of machine load falls on both alike. Beside throughput, each run takes the CPU time the
 * service process and its PostgreSQL backends spent, per request: a measure that a busy machine
 * moves much less than requests per second.
 *
 * Prints a markdown table (medians over the rounds; B/A with the lowest and highest of the
 * per-round ratios) and writes it to bench/results/ab-<revA>-<revB>.md.
 */
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import {
  App,
  ROOT,
  http,
  log,
  openPostgres,
  prepareTodos,
  query,
  scratchDatabase,
  todoId,
} from './harness';
import type { HttpScenario, Measure } from './harness';
import { median } from './stats';

type Options = {
  revA: string;
  revB: string;
  quick: boolean;
  rounds: number;
  durationS: number;
  connections: number;
  todos: number;
  listRows: number;
};

function parseOptions(args: string[]): Options {
  const quick = args.includes('--quick');
  const value = (flag: string): number | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const n = Number(args[at + 1]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive integer`);
    return n;
  };
  const revisions = args.filter(
    (arg, i) => !arg.startsWith('--') && !['--rounds', '--duration'].includes(args[i - 1] ?? ''),
  );
  if (revisions.length !== 2) {
    throw new Error(
      'usage: npm run bench:ab -- <revA> <revB> [--quick] [--rounds N] [--duration S]',
    );
  }
  const rounds = value('--rounds') ?? (quick ? 3 : 5);
  if (rounds < 3) throw new Error('--rounds: at least 3, or the spread says nothing');
  return {
    revA: revisions[0]!,
    revB: revisions[1]!,
    quick,
    rounds,
    durationS: value('--duration') ?? (quick ? 3 : 10),
    connections: 32,
    todos: 100_000,
    listRows: 100_000,
  };
}

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${String(result.stderr)}`,
    );
  }
  return String(result.stdout).trim();
}

type Build = { label: string; commit: string; dir: string; remove: () => void };

/**
 * A worktree of `rev`, built. Dependencies are linked from a checkout with the same lockfile
 * (this one, or a build made before in this run), so that both sides run the very same
 * packages; otherwise installed as the lockfile says.
 */
function build(rev: string, installed: Map<string, string>): Build {
  const commit = run('git', ['rev-parse', '--verify', `${rev}^{commit}`], { cwd: ROOT });
  const label = `${rev} (${commit.slice(0, 7)})`;
  const dir = mkdtempSync(path.join(tmpdir(), `todo-ab-${commit.slice(0, 7)}-`));
  rmSync(dir, { recursive: true, force: true });
  run('git', ['worktree', 'add', '--detach', dir, commit], { cwd: ROOT });
  const modules = path.join(dir, 'node_modules');
  const remove = () => {
    // The link first: the worktree's removal must not reach into the modules it points at.
    try {
      unlinkSync(modules);
    } catch {
      // not a link, or never made
    }
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT });
    rmSync(dir, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: ROOT });
  };
  try {
    const lock = readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
    const same = installed.get(lock);
    if (same !== undefined) {
      log(`${label}: lockfile identical to ${same}'s, linking its node_modules`);
      symlinkSync(path.join(same, 'node_modules'), modules, 'dir');
    } else {
      log(`${label}: npm ci (its lockfile differs from every installed one)...`);
      run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
      installed.set(lock, dir);
    }
    log(`${label}: building...`);
    run('npm', ['run', 'build', '--silent'], { cwd: dir });
    if (!existsSync(path.join(dir, 'dist', 'main.js')))
      throw new Error(`${label}: no dist/main.js`);
    return { label, commit, dir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** CPU seconds (user + system) of a process, from /proc; undefined when it cannot be read. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** The CPU seconds of every client backend of `database`, by pid (readable when PostgreSQL is local). */
async function backendCpu(adminUrl: string, database: string): Promise<Map<number, number>> {
  const rows = await query(
    adminUrl,
    `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`,
    [database],
  );
  const cpu = new Map<number, number>();
  for (const row of rows) {
    const seconds = cpuSeconds(Number(row.pid));
    if (seconds !== undefined) cpu.set(Number(row.pid), seconds);
  }
  return cpu;
}

type Side = {
  build: Build;
  app: App;
  database: string;
  /** Ids of prepared todos this side has not completed yet. */
  nextToComplete: number;
};

type Sample = Measure & {
  /** Service process CPU per successful request, microseconds. */
  serviceCpuUs: number;
  /** CPU of the database's client backends per successful request, microseconds. */
  dbCpuUs: number;
};

async function measure(
  adminUrl: string,
  side: Side,
  scenario: HttpScenario,
  options: Options,
): Promise<Sample> {
  const dbBefore = await backendCpu(adminUrl, side.database);
  const serviceBefore = cpuSeconds(side.app.pid) ?? Number.NaN;
  const result = await http(side.app.baseUrl, scenario, options.connections, options.durationS);
  const serviceAfter = cpuSeconds(side.app.pid) ?? Number.NaN;
  const dbAfter = await backendCpu(adminUrl, side.database);
  // A backend opened during the run counts from zero; one closed during it is lost (rare under
  // load: the pools keep their connections busy).
  let dbSeconds = 0;
  for (const [pid, seconds] of dbAfter) dbSeconds += seconds - (dbBefore.get(pid) ?? 0);
  const requests = result.throughput * options.durationS;
  return {
    ...result,
    serviceCpuUs: ((serviceAfter - serviceBefore) / requests) * 1e6,
    dbCpuUs: dbAfter.size === 0 ? Number.NaN : (dbSeconds / requests) * 1e6,
  };
}

type Row = {
  path: string;
  a: Sample[];
  b: Sample[];
};

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '–';
const pct = (ratio: number) => (Number.isFinite(ratio) ? `${fmt(ratio * 100)} %` : '–');

/** B/A of the medians, and the lowest and highest of the per-round B/A ratios. */
function ratio(row: Row, pick: (s: Sample) => number): string {
  const perRound = row.a.map((a, i) => pick(row.b[i]!) / pick(a));
  const finite = perRound.filter(Number.isFinite);
  const medians = median(row.b.map(pick)) / median(row.a.map(pick));
  if (finite.length === 0) return '–';
  return `${pct(medians)} (${pct(Math.min(...finite))}–${pct(Math.max(...finite))})`;
}

function table(rows: Row[]): string[] {
  const lines = [
    '| path, 32 connections | A req/s | B req/s | B/A req/s (round range) | A p99 ms | B p99 ms | A CPU µs/req: service + db | B CPU µs/req: service + db | B/A CPU per request (round range) |',
    '| -------------------- | ------: | ------: | ----------------------: | -------: | -------: | -------------------------: | -------------------------: | --------------------------------: |',
  ];
  const total = (s: Sample) => s.serviceCpuUs + s.dbCpuUs;
  for (const row of rows) {
    const m = (samples: Sample[], pick: (s: Sample) => number) => median(samples.map(pick));
    const failures = [...row.a, ...row.b].reduce((sum, s) => sum + s.failures, 0);
    lines.push(
      `| ${row.path}${failures ? ` (${failures} failed)` : ''} | ${fmt(m(row.a, (s) => s.throughput))} | ${fmt(m(row.b, (s) => s.throughput))} | ` +
        `${ratio(row, (s) => s.throughput)} | ${fmt(
          m(row.a, (s) => s.p99),
          1,
        )} | ${fmt(
          m(row.b, (s) => s.p99),
          1,
        )} | ` +
        `${fmt(m(row.a, (s) => s.serviceCpuUs))} + ${fmt(m(row.a, (s) => s.dbCpuUs))} | ` +
        `${fmt(m(row.b, (s) => s.serviceCpuUs))} + ${fmt(m(row.b, (s) => s.dbCpuUs))} | ${ratio(row, total)} |`,
    );
  }
  return lines;
}

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The preparation writes the tenant tables as the owner, outside the services: the session
  // names the default tenant, which the tables' tenant_id defaults read where they have one.
  // Each service sets its tenant per transaction (or has none, before tenants).
  process.env.PGOPTIONS = '-c todo.tenant=default';
  const started = new Date();
  const loadAtStart = loadAverage();
  const installed = new Map<string, string>([
    [readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'), ROOT],
  ]);
  const builds: Build[] = [];
  const postgres = await openPostgres();
  const databases: { drop: () => Promise<void> }[] = [];
  const sides: Side[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      for (const side of sides) await side.app.stop();
      for (const database of databases) await database.drop();
      for (const side of builds) side.remove();
      await postgres.stop();
    })());
  // Interrupted, it still leaves no worktree, database or service behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up...`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    for (const rev of [options.revA, options.revB]) builds.push(build(rev, installed));
    for (const [i, side] of builds.entries()) {
      const name = `todo_ab_${'ab'[i]}_${Date.now()}`;
      const database = await scratchDatabase(postgres.adminUrl, name);
      databases.push(database);
      log(`${side.label}: starting on ${name} and preparing ${options.todos} todos...`);
      const app = await App.start(
        database.url,
        path.join(side.dir, 'dist', 'main.js'),
        {},
        side.dir,
      );
      sides.push({
        build: side,
        app,
        database: name,
        nextToComplete: Math.floor(options.todos / 3) + 1,
      });
      await prepareTodos(database.url, options.todos, options.listRows);
    }
    const [a, b] = sides as [Side, Side];

    const pool = Math.floor(options.todos / 3);
    const random = () => 1 + Math.floor(Math.random() * pool);
    const scenarios: { path: string; http: (side: Side) => HttpScenario }[] = [
      {
        path: 'create',
        http: () => ({ method: 'POST', path: () => '/todos', body: () => '{"title":"buy milk"}' }),
      },
      {
        path: 'complete',
        // Each request completes a prepared todo this side has not completed yet.
        http: (side) => ({
          method: 'POST',
          path: () => `/todos/${todoId(side.nextToComplete++)}/complete`,
        }),
      },
      {
        path: 'get by id',
        http: () => ({ method: 'GET', path: () => `/todos/${todoId(random())}` }),
      },
      {
        path: `list first page (${options.listRows / 1000}k rows)`,
        http: () => ({ method: 'GET', path: () => '/todos?completed=false&limit=50' }),
      },
    ];

    // Warm the JIT and the pools of both before anything is measured.
    for (const side of sides) {
      for (const scenario of scenarios) {
        await http(side.app.baseUrl, scenario.http(side), 8, options.quick ? 1 : 3);
      }
    }

    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const row: Row = { path: scenario.path, a: [], b: [] };
      for (let round = 1; round <= options.rounds; round++) {
        row.a.push(await measure(postgres.adminUrl, a, scenario.http(a), options));
        row.b.push(await measure(postgres.adminUrl, b, scenario.http(b), options));
        const [ra, rb] = [row.a.at(-1)!, row.b.at(-1)!];
        log(
          `${scenario.path.padEnd(26)} round ${round}: A ${fmt(ra.throughput).padStart(6)}/s ` +
            `B ${fmt(rb.throughput).padStart(6)}/s  B/A ${pct(rb.throughput / ra.throughput)}  (load ${loadAverage()})`,
        );
      }
      rows.push(row);
    }
    for (const side of sides) {
      if (side.nextToComplete > 2 * pool + 1) {
        log(
          `warning: ${side.build.label} completed past its ${pool} fresh todos; the last were conflicts.`,
        );
      }
    }

    const report = [
      `A = ${a.build.label}, B = ${b.build.label}; ${options.rounds} interleaved rounds (A, B, A, B, ...) of ` +
        `${options.durationS} s each per path, ${options.connections} connections, ${options.todos / 1000}k todos. ` +
        `${started.toISOString()}, ${os.cpus().length} CPUs, load average ${loadAtStart} at the start and ${loadAverage()} at the end.`,
      '',
      ...table(rows),
      '',
      'Medians over the rounds; in brackets the lowest and highest per-round B/A. CPU: the service ' +
        "process and the scratch database's PostgreSQL backends, per successful request.",
      '',
    ].join('\n');
    log(`\n${report}`);
    const results = path.join(ROOT, 'bench', 'results');
    mkdirSync(results, { recursive: true });
    const file = path.join(
      results,
      `ab-${a.build.commit.slice(0, 7)}-${b.build.commit.slice(0, 7)}.md`,
    );
    writeFileSync(file, report);
    log(`Written to ${path.relative(ROOT, file)}`);
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
