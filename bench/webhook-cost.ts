/**
 * `npm run bench:webhook-cost -- [<checkout> ...]`: CPU time
 * of this process per webhook delivery (the CloudEvent body, the signature, the HTTP request and
 * its answer, as `WebhookDelivery.attempt` makes them) for this build and for the `dist/` build of
 * each checkout named, in interleaved rounds so that a change of machine load falls on all alike.
 * Deliveries are sequential, as the dispatcher sends them, on kept-alive connections to a receiver
 * on 127.0.0.1 that answers 204 from a process of its own. Nothing is recorded: no database.
 *
 * BENCH_DELIVERIES (default 4000) per round, BENCH_ROUNDS (default 5), after 1000 to warm up.
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type * as Delivery from '../src/integration/application/webhooks/webhook-delivery';
import type * as Sender from '../src/integration/infrastructure/webhooks/webhook-sender';
import type { PositionedEvent } from '../src/event-store';
import type { WebhookEndpoint } from '../src/integration/application/webhooks/webhook';

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
  ].map((b) => ({ ...b, ...build(b.dist), perDelivery: [] as number[] }));
  try {
    const send = async (b: (typeof builds)[number], count: number) => {
      for (let i = 0; i < count; i++) {
        const attempt = await b.delivery.attempt(endpoint, event(i + 1), 1);
        if (attempt.outcome !== 'delivered') throw new Error(attempt.error ?? 'failed');
      }
    };
    for (const b of builds) await send(b, WARM_UP);
    for (let round = 0; round < ROUNDS; round++) {
      for (const b of builds) {
        const before = process.cpuUsage();
        await send(b, DELIVERIES);
        const used = process.cpuUsage(before);
        b.perDelivery.push((used.user + used.system) / DELIVERIES);
      }
    }
  } finally {
    for (const b of builds) b.sender.close();
    receiver.kill();
  }
  console.log('| build | µs CPU per delivery, median | by round |');
  console.log('| --- | --: | --- |');
  for (const b of builds) {
    const sorted = [...b.perDelivery].sort((x, y) => x - y);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    const rounds = b.perDelivery.map((x) => x.toFixed(0)).join(', ');
    console.log(`| ${b.name} | ${median.toFixed(0)} | ${rounds} |`);
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
