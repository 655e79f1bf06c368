import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A request a receiver got, with whether its Standard Webhooks signature checked out. */
export type Received = {
  id: string;
  body: {
    id: string;
    type: string;
    subject: string;
    source: string;
    specversion: string;
    time: string;
    data: Record<string, unknown>;
    position: number;
    sequence: number;
    streamtype: string;
    tenant: string;
  };
  verified: boolean;
  headers: http.IncomingHttpHeaders;
  /** The body as sent, which signatures cover. */
  payload: string;
};

/**
 * A webhook receiver on 127.0.0.1 that verifies every request with the `standardwebhooks`
 * package, as a receiver of this service would. `answer` decides the response per request
 * (status, or 'hang' to never answer).
 */
export async function startReceiver(
  answer: (count: number) => number | 'hang' = () => 204,
  delayMs = 0,
) {
  const received: Received[] = [];
  const secrets: string[] = [];
  let count = 0;
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const payload = Buffer.concat(chunks).toString('utf8');
      const headers = request.headers as Record<string, string>;
      const verified = secrets.some((secret) => {
        try {
          new Webhook(secret).verify(payload, headers);
          return true;
        } catch {
          return false;
        }
      });
      const status = answer(++count);
      if (status === 'hang') {
        hanging.push(response);
        return;
      }
      if (status >= 200 && status < 300) {
        received.push({
          id: headers['webhook-id'] ?? '',
          body: JSON.parse(payload) as Received['body'],
          verified,
          headers: request.headers,
          payload,
        });
      }
      response.statusCode = status;
      const reply = () => response.end(status >= 300 ? 'receiver says no' : '');
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    requests: () => count,
    trust(secret: string) {
      secrets.push(secret);
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
