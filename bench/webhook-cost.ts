/**
 * `npm run bench:webhook-cost -- [<checkout> ...]`: CPU time
 * of this process per webhook delivery (the CloudEvent body, the signature, the HTTP request and
 * its answer, as `WebhookDelivery.attempt` makes them) for this build and for the `dist/` build of
 * each checkout named, in interleaved rounds so that a change of machine load falls on all alike.
 * Deliveries are sequential, as the dispatcher sends them, on kept-alive connections to a receiver
 * on 127.0.0.1 that answers 204 from a process of its own. Nothing is recorded: no database.
 *
 * Two more rows: "bare HTTP exchange", the same body posted by node:http with no CloudEvent built
 * and no signature (the least a delivery of one event per request, as Standard Webhooks has it,
 * can cost its sender here), and the receiver's own CPU per request, which a receiver on the same
 * machine takes from the service's cores.
 *
 * BENCH_DELIVERIES (default 4000) per round, BENCH_ROUNDS (default 5), after 1000 to warm up.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type * as Delivery from '../src/integration/application/webhooks/webhook-delivery';
import type * as Sender from '../src/integration/infrastructure/webhooks/webhook-sender';
import type { PositionedEvent } from '../src/event-store';
import type { WebhookEndpoint } from '../src/integration/application/webhooks/webhook';
import { exchange } from './open-loop';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARM_UP = 1000;

function receive(): void {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.statusCode = 204;
      response.end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  // Asked between rounds: its CPU time so far.
  process.on('message', () => process.send?.(process.cpuUsage()));
}

/** The receiver's CPU time so far, in µs. */
function receiverCpu(receiver: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    receiver.once('message', (used: NodeJS.CpuUsage) => resolve(used.user + used.system));
    receiver.send('cpu');
  });
}

/** The same body and headers as a delivery, posted with nothing built or signed per event. */
function bareExchange(url: string, body: string, headers: Record<string, string>) {
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL(url);
  const request = { method: 'POST', path: target.pathname, body, headers } as const;
  const post = async () => {
    await exchange(agent, target, request);
  };
  return { post, close: () => agent.destroy() };
}

/** The delivery path of the build whose `dist/` is at `dist`. */
function build(dist: string) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { WebhookSender } = require(
    path.join(dist, 'integration/infrastructure/webhooks/webhook-sender'),
  ) as typeof Sender;
  const { WebhookDelivery } = require(
    path.join(dist, 'integration/application/webhooks/webhook-delivery'),
  ) as typeof Delivery;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sender = new WebhookSender();
  const settings = {
    webhooks: {
      retryForSeconds: 60,
      allowPrivateNetworks: true,
      allowHttp: true,
      timeoutMs: 10_000,
      pollIntervalMs: 1000,
      secretOverlapSeconds: 0,
    },
    serverSentEvents: { maxStreamsPerTenant: 1, heartbeatMs: 15_000, slowReaderTimeoutMs: 1000 },
  };
  // The store is only for `deliver`, which this does not call.
  const delivery = new WebhookDelivery({} as never, sender, { newId: randomUUID }, settings);
  return { sender, delivery };
}

function event(position: number): PositionedEvent {
  const todoId = randomUUID();
  return {
    tenantId: 'default',
    type: 'TodoCreated',
    data: { todoId, title: 'bench', createdAt: new Date().toISOString() },
    streamId: todoId,
    streamType: 'todo',
    sequence: 1,
    eventId: randomUUID(),
    metadata: { correlationId: randomUUID(), subject: 'anonymous' },
    recordedAt: new Date(),
    globalPosition: position,
    transactionId: String(position),
    schemaVersion: 1,
  };
}

async function main(): Promise<void> {
  const receiver = fork(__filename, ['receive']);
  const port = await new Promise<number>((resolve) => receiver.once('message', resolve));
  const endpoint = {
    id: randomUUID(),
    tenant: 'default',
    url: `http://127.0.0.1:${port}/hook`,
    secret: `whsec_${randomBytes(32).toString('base64')}`,
    previousSecret: null,
  } as WebhookEndpoint;
  const builds = [
    { name: 'this build', dist: path.resolve(__dirname, '..', 'src') },
    ...process.argv.slice(2).map((checkout) => ({
      name: checkout,
      dist: path.resolve(checkout, 'dist'),
    })),
  ].map((b) => {
    const { sender, delivery } = build(b.dist);
    const deliverTo = async (to: WebhookEndpoint, position: number) => {
      const attempt = await delivery.attempt(to, event(position), 1);
      if (attempt.outcome !== 'delivered') throw new Error(attempt.error ?? 'failed');
    };
    return {
      name: b.name,
      deliverTo,
      deliver: (position: number) => deliverTo(endpoint, position),
      close: () => sender.close(),
    };
  });
  // The bare exchange posts what this build would: one delivery's body and headers, captured.
  const captured = await captureDelivery(endpoint, builds[0]!.deliverTo);
  const bare = bareExchange(endpoint.url, captured.body, captured.headers);
  const rows = [
    ...builds,
    {
      name: 'bare HTTP exchange (no CloudEvent, no signature)',
      deliver: bare.post,
      close: bare.close,
    },
  ].map((row) => ({ ...row, perDelivery: [] as number[], receiver: [] as number[] }));
  try {
    const send = async (row: (typeof rows)[number], count: number) => {
      for (let i = 0; i < count; i++) await row.deliver(i + 1);
    };
    for (const row of rows) await send(row, WARM_UP);
    for (let round = 0; round < ROUNDS; round++) {
      for (const row of rows) {
        const receiverBefore = await receiverCpu(receiver);
        const before = process.cpuUsage();
        await send(row, DELIVERIES);
        const used = process.cpuUsage(before);
        row.perDelivery.push((used.user + used.system) / DELIVERIES);
        row.receiver.push(((await receiverCpu(receiver)) - receiverBefore) / DELIVERIES);
      }
    }
  } finally {
    for (const row of rows) row.close();
    receiver.kill();
  }
  const median = (values: number[]) =>
    [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
  console.log(
    '| sender | µs CPU per delivery, median | by round | receiver µs per request, median |',
  );
  console.log('| --- | --: | --- | --: |');
  for (const row of rows) {
    const rounds = row.perDelivery.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `| ${row.name} | ${median(row.perDelivery).toFixed(0)} | ${rounds} | ${median(row.receiver).toFixed(0)} |`,
    );
  }
}

/** One delivery's body and headers as the receiver got them. */
async function captureDelivery(
  endpoint: WebhookEndpoint,
  deliverTo: (to: WebhookEndpoint, position: number) => Promise<void>,
): Promise<{ body: string; headers: Record<string, string> }> {
  const server = http.createServer();
  const got = new Promise<{ body: string; headers: Record<string, string> }>((resolve) => {
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const headers: Record<string, string> = {};
        for (const name of [
          'content-type',
          'webhook-id',
          'webhook-timestamp',
          'webhook-signature',
        ]) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        response.statusCode = 204;
        response.end();
        resolve({ body, headers });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await deliverTo({ ...endpoint, url: `http://127.0.0.1:${port}/hook` }, 1);
    return await got;
  } finally {
    server.close();
  }
}

if (process.argv[2] === 'receive') {
  receive();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
