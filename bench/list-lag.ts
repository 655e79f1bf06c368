/**
 * `npm run bench:list-lag`: how long a todo change takes to reach the lists that hold it. The
 * list views learn about todo changes from a subscription (`lists_todos`), so a rename is in
 * `GET /lists/:id` some time after its own response. A probe renames a todo that is in a list,
 * four times a second, and polls the list every 5 ms until the new title shows; the lag is from
 * the rename's response to the first read that shows it. Measured twice in one run: on an idle
 * service (the control), then while autocannon drives blind renames of other todos with 32
 * connections, the write load of the benchmark's top concurrency. On a shared, loaded machine
 * only the comparison of the two within one run means much.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { productionNodeFlags } from './harness';
import { percentile } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const LOAD_CONNECTIONS = 32;
const PHASE_S = 20;
const LISTS = 10;
const TODOS_PER_LIST = 20;
const LOAD_TODOS = 500;

type Service = { child: ChildProcess; baseUrl: string };

function startService(databaseUrl: string): Promise<Service> {
  const child = spawn(
    process.execPath,
    [...productionNodeFlags(ROOT), path.join(ROOT, 'dist', 'main.js')],
    {
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
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port === undefined) return;
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ child, baseUrl: `http://127.0.0.1:${port}` });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the service exited (${code}):\n${output}`)));
  });
}

async function call(base: string, method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Renames probe todos 4 times a second for `seconds`; returns each rename's lag in ms. */
async function probe(
  base: string,
  probes: { listId: string; todoId: string }[],
  seconds: number,
): Promise<number[]> {
  const lags: number[] = [];
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    const target = probes[n % probes.length]!;
    const title = `probe ${n++}`;
    await call(base, 'PATCH', `/todos/${target.todoId}`, { title });
    const written = performance.now();
    for (;;) {
      const list = (await call(base, 'GET', `/lists/${target.listId}`)) as {
        todos: { id: string; title: string }[];
      };
      if (list.todos.some((todo) => todo.id === target.todoId && todo.title === title)) break;
      await pause(5);
    }
    lags.push(performance.now() - written);
    await pause(250);
  }
  return lags;
}

function summary(name: string, lags: number[]): string {
  const sorted = [...lags].sort((a, b) => a - b);
  const at = (p: number) => percentile(sorted, p).toFixed(0);
  return (
    `${name.padEnd(36)} n=${String(lags.length).padStart(3)}  p50 ${at(50).padStart(5)} ms  ` +
    `p95 ${at(95).padStart(5)} ms  max ${(sorted.at(-1) ?? 0).toFixed(0).padStart(5)} ms`
  );
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `todo_bench_lag_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  let service: Service | undefined;
  try {
    service = await startService(url.toString());
    const base = service.baseUrl;
    const create = async () =>
      ((await call(base, 'POST', '/todos', { title: 'bench' })) as { id: string }).id;
    const probes: { listId: string; todoId: string }[] = [];
    for (let l = 0; l < LISTS; l++) {
      const listId = ((await call(base, 'POST', '/lists', { name: `lag ${l}` })) as { id: string })
        .id;
      for (let t = 0; t < TODOS_PER_LIST; t++) {
        const todoId = await create();
        await call(base, 'POST', `/lists/${listId}/todos`, { todoId });
        probes.push({ listId, todoId });
      }
    }
    const loadTodos: string[] = [];
    for (let i = 0; i < LOAD_TODOS; i++) loadTodos.push(await create());

    const idle = await probe(base, probes, PHASE_S);
    console.log(summary('idle service (control)', idle));

    let renames = 0;
    const load = autocannon({
      url: base,
      connections: LOAD_CONNECTIONS,
      duration: PHASE_S + 2,
      requests: [
        {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            path: `/todos/${loadTodos[Math.floor(Math.random() * loadTodos.length)]}`,
            body: JSON.stringify({ title: `load ${renames++}` }),
          }),
        },
      ],
    });
    await pause(1000); // the load is up
    const loaded = await probe(base, probes, PHASE_S);
    const result = await load;
    const ok = (result.requests.total - result.non2xx) / (PHASE_S + 2);
    console.log(
      summary(`under load (${LOAD_CONNECTIONS} conns, ${ok.toFixed(0)} renames/s)`, loaded),
    );
    const withinOneSecond = loaded.filter((lag) => lag <= 1000).length / loaded.length;
    console.log(`under load, within 1 s: ${(withinOneSecond * 100).toFixed(1)} %`);
  } finally {
    if (service) {
      const exited = new Promise((resolve) => service?.child.once('exit', resolve));
      service.child.kill('SIGTERM');
      await exited;
    }
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
