/**
 * What the integration benchmarks share: starting the built service, and the three followers of
 * the log (a webhook receiver, a server-sent event client, a NATS subscriber) noting when each
 * todo's TodoCreated reached them.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { ROOT, productionNodeFlags } from './harness';

const MAIN = path.join(ROOT, 'dist', 'main.js');

export type Service = { child: ChildProcess; base: string };

export function start(env: NodeJS.ProcessEnv): Promise<Service> {
  // SERVICE_NODE_ARGS: more options for the service's node (`--cpu-prof` to profile it).
  const extra = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...productionNodeFlags(ROOT), ...extra, MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      NO_COLOR: '1',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /Listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) resolve({ child, base: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`service exited (${code}):\n${output}`)));
  });
}

export function stop(service: Service): Promise<void> {
  return new Promise((resolve) => {
    service.child.once('exit', () => resolve());
    service.child.kill('SIGTERM');
  });
}

/** Everything that follows the log, each noting when a todo's TodoCreated reached it. */
export async function followers(service: Service, prefix: string, natsUrl: string) {
  const arrivals = {
    sse: new Map<string, number>(),
    webhook: new Map<string, number>(),
    nats: new Map<string, number>(),
  };
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        subject: string;
        type: string;
      };
      if (body.type === 'TodoCreated' && !arrivals.webhook.has(body.subject)) {
        arrivals.webhook.set(body.subject, performance.now());
      }
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const created = await fetch(`${service.base}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, types: ['TodoCreated'] }),
  });
  if (created.status !== 201) throw new Error(`webhook: ${created.status}`);
  const webhook = ((await created.json()) as { id: string }).id;

  const sse = http.get(`${service.base}/events/stream?types=TodoCreated`);
  sse.on('response', (response) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
      let end: number;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(text.slice(0, end))?.[1];
        text = text.slice(end + 2);
        if (data)
          arrivals.sse.set((JSON.parse(data) as { streamId: string }).streamId, performance.now());
      }
    });
  });
  sse.on('error', () => undefined);

  const nats = await connect({ servers: natsUrl });
  const subscription = nats.subscribe(`${prefix}.*.todo.TodoCreated`, {
    callback: (_error, message) => {
      const subject = message.headers?.get('ce-subject');
      if (subject) arrivals.nats.set(subject, performance.now());
    },
  });
  return {
    arrivals,
    async close() {
      await fetch(`${service.base}/webhooks/${webhook}`, { method: 'DELETE' });
      subscription.unsubscribe();
      await nats.close();
      sse.destroy();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    },
  };
}

/** Waits (up to 3 minutes) until no reader of the log lags behind. */
export async function caughtUp(service: Service): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${service.base}/metrics`);
    const lags = [...(await response.text()).matchAll(/^log_reader_lag_events\{[^}]*\} (\d+)/gm)];
    if (lags.length > 0 && lags.every((lag) => lag[1] === '0')) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('The readers of the log did not catch up within 3 minutes.');
}
