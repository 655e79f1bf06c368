/**
 * `npm run bench:integration`: what following the log costs and how fast it is.
 *
 * 1. Write throughput (closed loop, POST /todos) of the service alone, then with a webhook
 *    endpoint, a server-sent event stream and the NATS JetStream publisher all running, on the
 *    same fresh database, back to back, twice: the ratio is what matters on a shared machine.
 * 2. End-to-end latency at a fixed offered rate (default 100 writes/s): from the 201 of a
 *    create (its commit happened before) to the event at the SSE client, at the webhook
 *    receiver and at a NATS subscriber of the stream's subjects; p50 and p99 of each.
 *
 * Needs DATABASE_URL (a server to create a scratch database on) and NATS at NATS_URL
 * (default nats://127.0.0.1:4222); writes bench/results/integration.{json,md}.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { tail } from './stats';
import type { Tail } from './stats';
import { caughtUp, followers, start, stop } from './followers';
import type { Service } from './followers';
import { cpuOf, cpuOfNamed, serverCpu } from './proc-cpu';

const ROOT = path.resolve(__dirname, '..', '..');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = 16;

/** Where the machine's CPU went during a throughput run, in ms per create. */
type CpuPerWrite = { service: number; postgres: number; nats: number; bench: number };

type Throughput = { rate: number; cpu: CpuPerWrite };

/**
 * Creates at full speed; and the CPU time each part took meanwhile: the service, the PostgreSQL
 * server, nats-server, and this process (the load generator and, when followed, the receivers).
 * On two shared cores this says which part of a lower rate is the followers' consumers rather
 * than the service.
 */
async function throughput(service: Service, postmaster: number): Promise<Throughput> {
  const pid = service.child.pid ?? Number.NaN;
  const sample = () => {
    const own = process.cpuUsage();
    return {
      service: cpuOf(pid).own,
      postgres: serverCpu(postmaster),
      nats: cpuOfNamed('nats-server'),
      bench: (own.user + own.system) / 1000,
    };
  };
  const before = sample();
  const result = await autocannon({
    url: `${service.base}/todos`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'bench' }),
    connections: CONCURRENCY,
    duration: SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors`);
  }
  const after = sample();
  const writes = result['2xx'];
  const per = (key: keyof CpuPerWrite) => (after[key] - before[key]) / writes;
  return {
    rate: result.requests.average,
    cpu: {
      service: per('service'),
      postgres: per('postgres'),
      nats: per('nats'),
      bench: per('bench'),
    },
  };
}

/** Creates todos at `RATE` per second for `SECONDS`; when each create answered. */
async function offered(service: Service): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let n = 0; n < RATE * SECONDS; n++) {
    const due = startedAt + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      fetch(`${service.base}/todos`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: `latency ${n}` }),
      }).then(async (response) => {
        const at = performance.now();
        committed.set(((await response.json()) as { id: string }).id, at);
      }),
    );
  }
  await Promise.all(pending);
  return committed;
}

async function main(): Promise<void> {
  const admin = process.env.DATABASE_URL;
  if (!admin)
    throw new Error('Set DATABASE_URL to a PostgreSQL server to create a scratch database on.');
  const name = `bench_integration_${Date.now()}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const postmaster = cpuOf(rows[0]?.pid ?? 0).parent;
  await client.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const suffix = randomUUID().slice(0, 8);
  const prefix = `bench_${suffix}`;
  // NATS_URL empty: the service alone must not publish even when the caller exported it.
  const common = {
    DATABASE_URL: url.toString(),
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '0',
    NATS_URL: '',
  };
  const integration = {
    ...common,
    NATS_URL,
    NATS_STREAM: `BENCH_${suffix}`,
    NATS_SUBJECT_PREFIX: prefix,
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    WEBHOOK_POLL_MS: process.env.WEBHOOK_POLL_MS ?? '100',
  };
  const rounds: { without: Throughput; with: Throughput }[] = [];
  let latency: Record<'sse' | 'webhook' | 'nats', Tail & { received: number }> | undefined;
  try {
    for (let round = 0; round < 2; round++) {
      const plain = await start(common);
      const without = await throughput(plain, postmaster);
      await stop(plain);
      const full = await start(integration);
      const followed = await followers(full, prefix, NATS_URL);
      const withAll = await throughput(full, postmaster);
      if (round === 1) {
        // The throughput run left a backlog: measure latency only once every reader caught up.
        await caughtUp(full);
        const committed = await offered(full);
        await new Promise((resolve) => setTimeout(resolve, 5000));
        const of = (arrived: Map<string, number>) => {
          const delays = [...committed].flatMap(([id, at]) => {
            const got = arrived.get(id);
            return got === undefined ? [] : [got - at];
          });
          return { ...tail(delays), received: delays.length };
        };
        latency = {
          sse: of(followed.arrivals.sse),
          webhook: of(followed.arrivals.webhook),
          nats: of(followed.arrivals.nats),
        };
      }
      await followed.close();
      await stop(full);
      rounds.push({ without, with: withAll });
      console.log(
        `round ${round + 1}: ${without.rate.toFixed(0)} creates/s alone, ${withAll.rate.toFixed(0)} with all three`,
      );
    }
  } finally {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
    const nats = await connect({ servers: NATS_URL });
    const { jetstreamManager } = await import('@nats-io/jetstream');
    await (await jetstreamManager(nats)).streams.delete(`BENCH_${suffix}`).catch(() => undefined);
    await nats.close();
  }
  const ratio = rounds.reduce((sum, r) => sum + r.with.rate / r.without.rate, 0) / rounds.length;
  const ms = (n: number) => n.toFixed(2);
  const cpuRow = (label: string, c: CpuPerWrite) =>
    `| ${label} | ${ms(c.service)} | ${ms(c.postgres)} | ${ms(c.nats)} | ${ms(c.bench)} | ${ms(c.service + c.postgres + c.nats + c.bench)} |`;
  const lines = [
    '# Integration benchmark',
    '',
    `Creates/s, closed loop, ${CONCURRENCY} connections, ${SECONDS} s; alone against with a webhook`,
    'endpoint, an SSE client and the NATS publisher following every event (same machine, same run).',
    '',
    '| round | alone | with all three | ratio |',
    '| --- | --- | --- | --- |',
    ...rounds.map(
      (r, i) =>
        `| ${i + 1} | ${r.without.rate.toFixed(0)} | ${r.with.rate.toFixed(0)} | ${(r.with.rate / r.without.rate).toFixed(2)} |`,
    ),
    '',
    `Mean ratio: ${ratio.toFixed(2)} (goal: at least 0.90).`,
    '',
    'CPU time per create during those runs (ms): the service, the whole PostgreSQL server,',
    'nats-server, and the benchmark process (the load generator, and the receivers when followed).',
    '',
    '| run | service | PostgreSQL | nats-server | benchmark | all |',
    '| --- | --: | --: | --: | --: | --: |',
    ...rounds.flatMap((r, i) => [
      cpuRow(`${i + 1}, alone`, r.without.cpu),
      cpuRow(`${i + 1}, with all three`, r.with.cpu),
    ]),
    '',
    `End-to-end latency at ${RATE} creates/s for ${SECONDS} s, from the create's 201 to the event's`,
    `arrival (ms; webhook endpoints poll every ${integration.WEBHOOK_POLL_MS} ms when idle):`,
    '',
    '| follower | received | p50 | p99 | max |',
    '| --- | --- | --- | --- | --- |',
    ...Object.entries(latency ?? {}).map(
      ([follower, t]) =>
        `| ${follower} | ${t.received} | ${t.p50.toFixed(1)} | ${t.p99.toFixed(1)} | ${t.max.toFixed(1)} |`,
    ),
  ];
  const results = path.join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, 'integration.md'), `${lines.join('\n')}\n`);
  writeFileSync(
    path.join(results, 'integration.json'),
    `${JSON.stringify({ rounds, ratio, latency }, null, 2)}\n`,
  );
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
