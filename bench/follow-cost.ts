/**
 * `npm run bench:follow-cost`: what following the log costs per write, in CPU time and SQL
 * statements rather than throughput, so that it can be measured on a busy machine.
 *
 * For the service alone, then with a webhook endpoint, a server-sent event client and the NATS
 * JetStream publisher following every event: FOLLOW_WRITES creates (closed loop, 16
 * connections) after a warm-up, then a wait until every reader has caught up. Measured over
 * that span: CPU seconds of the service process and of every PostgreSQL process (the server
 * must run on this machine; use a server of its own, as every backend counts), and the
 * statements executed, per statement, from `pg_stat_statements` when the server loads it. Then
 * FOLLOW_IDLE_SECONDS without writes: what the followers cost while nothing happens.
 *
 * Needs DATABASE_URL (a server to create a scratch database on) and NATS at NATS_URL (default
 * nats://127.0.0.1:4222); writes bench/results/follow-cost.{json,md}.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { caughtUp, followers, start, stop } from './followers';
import { cpuOf, serverCpu } from './proc-cpu';
import type { Service } from './followers';

const ROOT = path.resolve(__dirname, '..', '..');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const WRITES = Number(process.env.FOLLOW_WRITES ?? 3000);
const WARM_UP = Number(process.env.FOLLOW_WARM_UP ?? 300);
const IDLE_SECONDS = Number(process.env.FOLLOW_IDLE_SECONDS ?? 5);
type Statements = Map<string, { calls: number; ms: number }>;

async function statements(admin: Client, database: string): Promise<Statements | undefined> {
  try {
    const { rows } = await admin.query<{ query: string; calls: string; ms: number }>(
      `SELECT query, calls, total_exec_time AS ms FROM pg_stat_statements s
       JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1`,
      [database],
    );
    const result: Statements = new Map();
    for (const row of rows) {
      const key = row.query.replace(/\s+/g, ' ').trim().slice(0, 110);
      const seen = result.get(key) ?? { calls: 0, ms: 0 };
      result.set(key, { calls: seen.calls + Number(row.calls), ms: seen.ms + row.ms });
    }
    return result;
  } catch {
    return undefined;
  }
}

function minus(after: Statements | undefined, before: Statements | undefined): Statements {
  const result: Statements = new Map();
  for (const [key, value] of after ?? []) {
    const was = before?.get(key) ?? { calls: 0, ms: 0 };
    const calls = value.calls - was.calls;
    if (calls > 0) result.set(key, { calls, ms: value.ms - was.ms });
  }
  return result;
}

async function creates(service: Service, amount: number): Promise<void> {
  const result = await autocannon({
    url: `${service.base}/todos`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'bench' }),
    connections: 16,
    amount,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors`);
  }
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 3 minutes.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Cost = {
  config: string;
  wallSeconds: number;
  serviceMsPerThousand: number;
  postgresMsPerThousand: number;
  statementsPerWrite: number;
  top: { query: string; perWrite: number; msPerThousand: number }[];
  idleServiceMsPerSecond: number;
  idlePostgresMsPerSecond: number;
  idleStatementsPerSecond: number;
};

async function measure(
  config: string,
  env: NodeJS.ProcessEnv,
  follow: boolean,
  admin: Client,
  database: string,
  postmaster: number,
  prefix: string,
): Promise<Cost> {
  const service = await start(env);
  const pid = service.child.pid;
  if (pid === undefined) throw new Error('no pid');
  const followed = follow ? await followers(service, prefix, NATS_URL) : undefined;
  const arrived = () =>
    followed
      ? Math.min(
          followed.arrivals.sse.size,
          followed.arrivals.webhook.size,
          followed.arrivals.nats.size,
        )
      : Infinity;
  try {
    await creates(service, WARM_UP);
    await until(() => arrived() >= WARM_UP, 'warm-up delivery');
    await caughtUp(service);
    const before = {
      service: cpuOf(pid).own,
      postgres: serverCpu(postmaster),
      statements: await statements(admin, database),
      at: performance.now(),
    };
    await creates(service, WRITES);
    await until(() => arrived() >= WARM_UP + WRITES, 'delivery');
    await caughtUp(service);
    const after = {
      service: cpuOf(pid).own,
      postgres: serverCpu(postmaster),
      statements: await statements(admin, database),
      at: performance.now(),
    };
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idle = {
      service: cpuOf(pid).own,
      postgres: serverCpu(postmaster),
      statements: await statements(admin, database),
    };
    const busy = minus(after.statements, before.statements);
    const quiet = minus(idle.statements, after.statements);
    const per = WRITES / 1000;
    const count = (s: Statements) => [...s.values()].reduce((sum, v) => sum + v.calls, 0);
    return {
      config,
      wallSeconds: (after.at - before.at) / 1000,
      serviceMsPerThousand: (after.service - before.service) / per,
      postgresMsPerThousand: (after.postgres - before.postgres) / per,
      statementsPerWrite: count(busy) / WRITES,
      top: [...busy]
        .sort((a, b) => b[1].calls - a[1].calls)
        .slice(0, 25)
        .map(([query, v]) => ({
          query,
          perWrite: v.calls / WRITES,
          msPerThousand: v.ms / per,
        })),
      idleServiceMsPerSecond: (idle.service - after.service) / IDLE_SECONDS,
      idlePostgresMsPerSecond: (idle.postgres - after.postgres) / IDLE_SECONDS,
      idleStatementsPerSecond: count(quiet) / IDLE_SECONDS,
    };
  } finally {
    await followed?.close();
    await stop(service);
  }
}

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error('Set DATABASE_URL to a PostgreSQL server on this machine.');
  const admin = new Client({ connectionString: server });
  await admin.connect();
  const { rows } = await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = cpuOf(rows[0]?.pid ?? 0).parent;
  const suffix = randomUUID().slice(0, 8);
  const prefix = `bench_${suffix}`;
  const costs: Cost[] = [];
  const databases: string[] = [];
  try {
    for (const [config, follow] of [
      ['alone', false],
      ['followed', true],
    ] as const) {
      const name = `bench_follow_${config}_${Date.now()}`;
      databases.push(name);
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(server);
      url.pathname = `/${name}`;
      // NATS_URL empty: the service alone must not publish even when the caller exported it.
      const common = {
        DATABASE_URL: url.toString(),
        LOG_LEVEL: 'info',
        RATE_LIMIT_MAX: '0',
        NATS_URL: '',
      };
      const env = follow
        ? {
            ...common,
            NATS_URL,
            NATS_STREAM: `BENCH_${suffix}`,
            NATS_SUBJECT_PREFIX: prefix,
            WEBHOOK_ALLOW_HTTP: 'true',
            WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
            WEBHOOK_POLL_MS: process.env.WEBHOOK_POLL_MS ?? '100',
          }
        : common;
      const cost = await measure(config, env, follow, admin, name, postmaster, prefix);
      costs.push(cost);
      console.log(JSON.stringify(cost, null, 2));
    }
  } finally {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    const nats = await connect({ servers: NATS_URL });
    const { jetstreamManager } = await import('@nats-io/jetstream');
    await (await jetstreamManager(nats)).streams.delete(`BENCH_${suffix}`).catch(() => undefined);
    await nats.close();
  }
  const f = (n: number, digits = 0) => n.toFixed(digits);
  const lines = [
    '# Cost of following the log',
    '',
    `${WRITES} creates (closed loop, 16 connections) after ${WARM_UP} to warm up, until every`,
    'reader caught up; CPU time of the service process and of the whole PostgreSQL server.',
    '',
    '| config | service CPU ms / 1,000 writes | PostgreSQL CPU ms / 1,000 writes | statements / write | idle: service ms/s | idle: PostgreSQL ms/s | idle: statements/s |',
    '| --- | --: | --: | --: | --: | --: | --: |',
    ...costs.map(
      (c) =>
        `| ${c.config} | ${f(c.serviceMsPerThousand)} | ${f(c.postgresMsPerThousand)} | ${f(c.statementsPerWrite, 1)} | ${f(c.idleServiceMsPerSecond, 1)} | ${f(c.idlePostgresMsPerSecond, 1)} | ${f(c.idleStatementsPerSecond, 1)} |`,
    ),
    '',
    ...costs.flatMap((c) => [
      `Statements per write, ${c.config}:`,
      '',
      '| per write | ms / 1,000 writes | statement |',
      '| --: | --: | --- |',
      ...c.top.map(
        (t) =>
          `| ${f(t.perWrite, 2)} | ${f(t.msPerThousand)} | \`${t.query.replace(/\|/g, '\\|')}\` |`,
      ),
      '',
    ]),
  ];
  const results = path.join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, 'follow-cost.md'), `${lines.join('\n')}\n`);
  writeFileSync(path.join(results, 'follow-cost.json'), `${JSON.stringify(costs, null, 2)}\n`);
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
