/**
 * `npm run bench:instructions [-- --apps service,floor,control --requests 400 --warm-up 1500
 * --service dist/main.js]`:
 * instructions per request of the read paths, counted by valgrind's callgrind in the process that
 * answers them. Unlike requests a second, the count does not depend on what else the machine runs,
 * so a before/after of one change is one command on each build.
 *
 * One scratch database is prepared by the service itself (migrations, prepared todos, the
 * subscriptions caught up), then each app starts under callgrind with instrumentation off (start-up
 * is not measured and runs faster so). For each path: warm-up requests, still uninstrumented,
 * then instrumentation on, counters zeroed, the measured requests, a dump, whose total is divided
 * by the number of requests, and instrumentation off again. The apps: the service (`dist/main.js`, the flags of `start:prod`, no rate
 * limit, as `npm run bench` runs it), the floor (bench/floor.ts) and the express control
 * (bench/control.ts, answering the service's own responses).
 *
 * Background compilation threads are counted too (callgrind sums all threads): repeat runs of one
 * build agree within a few per cent, not exactly.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '..', '..');
const BENCH = path.join(ROOT, 'bench');
const APPS: Record<'service' | 'floor' | 'control', string> = {
  service: path.join(ROOT, 'dist', 'main.js'),
  floor: path.join(ROOT, 'dist-bench', 'bench', 'floor.js'),
  control: path.join(ROOT, 'dist-bench', 'bench', 'control.js'),
};
type AppName = keyof typeof APPS;

type Options = { apps: AppName[]; requests: number; warmUp: number; connections: number };

/** A measured path: what each app is asked (the floor and control have no conditional reads). */
type Path = {
  name: string;
  method: 'GET' | 'HEAD';
  path: () => string;
  headers?: Record<string, string>;
  status: number;
  apps: AppName[];
};

const TODOS = 3000;
const log = (message: string) => process.stdout.write(`${message}\n`);

function parseOptions(args: string[]): Options {
  const value = (name: string) => {
    const index = args.indexOf(name);
    return index === -1 ? undefined : args[index + 1];
  };
  const apps = (value('--apps') ?? 'service,floor,control').split(',') as AppName[];
  for (const app of apps) {
    if (!(app in APPS)) throw new Error(`--apps: unknown app ${app}`);
  }
  // Another build of the service (a copy of dist/ from before a change) for a before/after.
  const service = value('--service');
  if (service !== undefined) APPS.service = path.resolve(service);
  return {
    apps,
    requests: Number(value('--requests') ?? 400),
    warmUp: Number(value('--warm-up') ?? 1500),
    connections: Number(value('--connections') ?? 4),
  };
}

/** md5('agg' || n)::uuid, the ids bench/prep-todos.sql gives its todos. */
function todoId(n: number): string {
  const hex = createHash('md5').update(`agg${n}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function query(url: string, sql: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as unknown[];
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

function productionNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^(?:exec )?node((?: --\S+)*) dist\/main\.js$/.exec(scripts['start:prod'] ?? '');
  if (!match)
    throw new Error('package.json: start:prod is not "[exec] node [--flags] dist/main.js".');
  return match[1]?.trim().split(/\s+/).filter(Boolean) ?? [];
}

/** An app in a child process, under callgrind when `callgrindDir` is given. */
class App {
  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {}

  static async start(
    app: AppName,
    env: Record<string, string>,
    callgrindDir?: string,
    logFile?: string,
  ): Promise<App> {
    const node = [...productionNodeFlags(), APPS[app]];
    const [command, args] = callgrindDir
      ? [
          'valgrind',
          [
            '--tool=callgrind',
            '--instr-atstart=no',
            `--callgrind-out-file=${path.join(callgrindDir, 'callgrind.out.%p')}`,
            process.execPath,
            ...node,
          ],
        ]
      : [process.execPath, node];
    const child = spawn(command, args, {
      env: { ...process.env, PORT: '0', NODE_ENV: 'production', RATE_LIMIT_MAX: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Listening on http:\/\/localhost:(\d+)/.exec(output);
        if (!match) return;
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve(Number(match[1]));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${app} exited (${code}):\n${output}`)));
    });
    // Kept for a post-mortem: an app that dies under callgrind says why only here.
    if (logFile !== undefined) {
      const log = createWriteStream(logFile);
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    return new App(child, `http://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

/** `count` requests on `connections` keep-alive connections; throws on an unexpected status. */
async function drive(
  baseUrl: string,
  target: Path,
  count: number,
  connections: number,
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let left = count;
  let resets = 0;
  // A keep-alive connection the app closed just as a request was sent on it is reset; the
  // request is sent again (every measured request is a read), and only answers are counted.
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        `${baseUrl}${target.path()}`,
        { method: target.method, agent, headers: target.headers },
        (response) => {
          response.resume();
          response.once('end', () =>
            response.statusCode === target.status
              ? resolve()
              : reject(new Error(`${target.name}: status ${response.statusCode}`)),
          );
        },
      );
      request.once('error', reject);
      request.end();
    });
  const one = async (): Promise<void> => {
    try {
      await once();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== 'ECONNRESET' && code !== 'EPIPE') || ++resets > 100) throw error;
      await one();
    }
  };
  const worker = async () => {
    while (left > 0) {
      left -= 1;
      await one();
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
}

function callgrindControl(pid: number, flag: string): void {
  const run = spawnSync('callgrind_control', [flag, String(pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`callgrind_control ${flag}: ${run.stderr}`);
}

/** The instruction total of the newest dump in `dir`. */
function lastDumpTotal(dir: string): number {
  const newest = readdirSync(dir)
    .filter((name) => name.startsWith('callgrind.out.'))
    .map((name) => path.join(dir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error('no callgrind dump');
  const text = readFileSync(newest, 'utf8');
  const match = /^(?:summary|totals):\s+(\d+)/m.exec(text);
  if (!match) throw new Error(`no total in ${newest}`);
  rmSync(newest);
  return Number(match[1]);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  process.env.PGOPTIONS = '-c todo.tenant=default';
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `todo_instructions_${Date.now()}`;
  await query(adminUrl, `CREATE DATABASE ${dbName}`);
  const dbUrlObject = new URL(adminUrl);
  dbUrlObject.pathname = `/${dbName}`;
  const dbUrl = dbUrlObject.toString();
  const workDir = mkdtempSync(path.join(tmpdir(), 'todo-instructions-'));
  const started: App[] = [];
  try {
    log(`Preparing ${dbName}: migrations, ${TODOS} todos...`);
    const preparer = await App.start('service', { DATABASE_URL: dbUrl });
    started.push(preparer);
    await runSqlFile(dbUrl, path.join(BENCH, 'prep-todos.sql'), [TODOS]);
    await query(dbUrl, 'VACUUM ANALYZE todo_read_views');
    await waitForSubscriptions(dbUrl);
    const fixedId = todoId(7);
    const capture = async (url: string) => {
      const response = await fetch(url);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!['date', 'x-request-id', 'connection', 'keep-alive', 'content-length'].includes(name))
          headers[name] = value;
      });
      return { headers, body: await response.text() };
    };
    const todo = await capture(`${preparer.baseUrl}/todos/${fixedId}`);
    const page = await capture(`${preparer.baseUrl}/todos?completed=false&limit=50`);
    const responses = path.join(workDir, 'control-responses.json');
    writeFileSync(responses, JSON.stringify({ todo, page }));
    await preparer.stop();
    started.pop();

    const random = () => todoId(1 + Math.floor(Math.random() * TODOS));
    const paths: Path[] = [
      {
        name: 'GET /todos/:id',
        method: 'GET',
        path: () => `/todos/${random()}`,
        status: 200,
        apps: ['service', 'floor', 'control'],
      },
      {
        name: 'GET /todos?completed=false&limit=50',
        method: 'GET',
        path: () => '/todos?completed=false&limit=50',
        status: 200,
        apps: ['service', 'floor', 'control'],
      },
      {
        name: 'GET /todos/:id, If-None-Match → 304',
        method: 'GET',
        path: () => `/todos/${fixedId}`,
        headers: { 'if-none-match': todo.headers.etag ?? '' },
        status: 304,
        apps: ['service'],
      },
      {
        name: 'HEAD /todos/:id',
        method: 'HEAD',
        path: () => `/todos/${random()}`,
        status: 200,
        apps: ['service'],
      },
    ];

    const results: Record<string, Partial<Record<AppName, number>>> = {};
    for (const app of options.apps) {
      const dir = mkdtempSync(path.join(workDir, `${app}-`));
      log(`Starting the ${app} under callgrind (a minute or more)...`);
      const running = await App.start(
        app,
        {
          DATABASE_URL: dbUrl,
          CONTROL: 'express',
          CONTROL_RESPONSES: responses,
          // Under callgrind the first requests take seconds: not a database to give up on.
          DB_CONNECTION_TIMEOUT_MS: '600000',
          DB_STATEMENT_TIMEOUT_MS: '0',
        },
        dir,
        path.join(workDir, `${app}.log`),
      );
      started.push(running);
      const pid = running.child.pid!;
      for (const target of paths.filter((p) => p.apps.includes(app))) {
        // The warm-up runs uninstrumented, several times faster: callgrind counts the program's
        // own instructions, never its translation of them, so nothing it skips would be counted.
        await drive(running.baseUrl, target, options.warmUp, options.connections);
        callgrindControl(pid, '--instr=on');
        callgrindControl(pid, '-z');
        await drive(running.baseUrl, target, options.requests, options.connections);
        callgrindControl(pid, '-d');
        callgrindControl(pid, '--instr=off');
        const perRequest = Math.round(lastDumpTotal(dir) / options.requests);
        (results[target.name] ??= {})[app] = perRequest;
        log(`  ${app.padEnd(8)} ${target.name.padEnd(40)} ${perRequest.toLocaleString('en')}`);
      }
      await running.stop();
      started.pop();
    }

    const cell = (value: number | undefined) =>
      value === undefined ? '' : value.toLocaleString('en');
    log('');
    log(
      `Instructions per request (${options.requests} requests after ${options.warmUp} of warm-up, ` +
        `${options.connections} connections):`,
    );
    log('');
    log('| request | service | floor | express control | service / floor |');
    log('| --- | ---: | ---: | ---: | ---: |');
    for (const [name, row] of Object.entries(results)) {
      const ratio =
        row.service !== undefined && row.floor !== undefined
          ? `${((row.service / row.floor) * 100).toFixed(0)} %`
          : '';
      log(
        `| ${name} | ${cell(row.service)} | ${cell(row.floor)} | ${cell(row.control)} | ${ratio} |`,
      );
    }
  } catch (error) {
    for (const name of readdirSync(workDir).filter((file) => file.endsWith('.log'))) {
      const text = readFileSync(path.join(workDir, name), 'utf8');
      log(`--- last lines of ${name}:\n${text.slice(-3000)}`);
    }
    throw error;
  } finally {
    for (const app of started.reverse()) await app.stop().catch(() => undefined);
    await query(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** As in bench/run.ts: the prepared events are caught up before anything is measured. */
async function waitForSubscriptions(dbUrl: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = (await query(
      dbUrl,
      `SELECT (SELECT count(*) FROM events e
         WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag
       FROM projection_checkpoints c`,
    )) as { lag: string }[];
    const lag = rows.reduce((sum, row) => sum + Number(row.lag), 0);
    if (rows.length > 0 && lag === 0) return;
    if (Date.now() - started > 600_000) throw new Error(`subscriptions still ${lag} events behind`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
