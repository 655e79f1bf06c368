import { createServer } from 'node:net';
import { ConfigError } from './config';

/**
 * Binds `port` on `host` (all interfaces when unset) and lets it go again, before anything else
 * starts: a port in use is then reported in one line within milliseconds, instead of after the
 * database is up and as Nest's log line plus a stack trace.
 */
export async function assertCanListen(port: number, host: string | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(listenErrorOf(error, port, host) ?? error));
    const done = () => probe.close(() => resolve());
    if (host === undefined) probe.listen(port, done);
    else probe.listen(port, host, done);
  });
}

/**
 * The one-line explanation of a failed `listen()`, or undefined when the error is not one that
 * a user fixes with PORT or HOST.
 */
export function listenErrorOf(
  error: unknown,
  port: number,
  host: string | undefined,
): ConfigError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const where = host === undefined ? `port ${port}` : `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        `Port ${port} is already in use${host === undefined ? '' : ` on ${host}`}: stop the ` +
          `process that holds it or choose another port, e.g. PORT=${alternative(port)} ` +
          '(PORT=0 picks a free one).',
      );
    case 'EACCES':
      return new ConfigError(
        `Not allowed to listen on ${where}` +
          (port < 1024 ? ' (ports below 1024 need privileges)' : '') +
          `: choose another port, e.g. PORT=${port < 1024 ? 3000 : alternative(port)}.`,
      );
    case 'EADDRNOTAVAIL':
      return new ConfigError(
        `Cannot listen on HOST=${host ?? ''}: no network interface of this machine has that ` +
          'address; set HOST to one of its addresses (e.g. 127.0.0.1), or unset it to listen on all.',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new ConfigError(
        `Cannot listen on HOST=${host ?? ''}: the name does not resolve; set HOST to an address ` +
          'of this machine (e.g. 127.0.0.1), or unset it to listen on all.',
      );
    default:
      return undefined;
  }
}

function alternative(port: number): number {
  return port < 65535 ? port + 1 : port - 1;
}
