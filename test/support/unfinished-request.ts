import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export type UnfinishedRequestResult = {
  /** Everything the server sent before it closed the connection or the wait ended. */
  response: string;
  /** The status code of the answer, if one arrived. */
  status: number | undefined;
  /** Whether the server closed the connection (rather than waiting for the rest of the body). */
  closed: boolean;
};

/**
 * Sends a request whose `Content-Length` announces more than is ever sent, then waits. A server
 * that reads the body before deciding hangs until `waitMs`; one that decides first answers.
 */
export async function sendUnfinishedRequest(
  server: Server,
  head: { method: string; path: string; headers: Record<string, string> },
  waitMs = 3000,
): Promise<UnfinishedRequestResult> {
  if (!server.listening) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const { port } = server.address() as AddressInfo;
  const bodyStart = '{"title":"';
  const lines = [
    `${head.method} ${head.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    'Content-Length: 10000',
    ...Object.entries(head.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      resolve({ response, status: status === undefined ? undefined : Number(status), closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${bodyStart}`);
  });
}
