import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { LogConfig } from '../../config';
import { currentRequestContext } from '../../shared/application/request-context';

/** How long a buffered JSON log line may wait before it is written out. */
const FLUSH_INTERVAL_MS = 100;

/**
 * Header and field paths never written to a log. Credentials may arrive in any of them; the
 * log keeps the fact that one was sent, not its value.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'authorization',
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
];

/**
 * The one pino logger of a process. `json` writes one JSON object per line (JSON escapes CR and
 * LF, so user input cannot split or forge a line); `pretty` is for people reading a terminal.
 * Every line written while a request is served carries its id.
 */
export function createRootLogger(config: LogConfig, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.level,
    base: { service: 'todo-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: () => {
      const context = currentRequestContext();
      return context ? { requestId: context.requestId } : {};
    },
  };
  if (destination) return pino(options, destination);
  if (config.format === 'pretty') return pino(options, prettyStream());
  // Buffered: one write(2) per few kilobytes rather than one per line, which under load was a
  // system call per request. The timer writes a quiet process's lines out within 100 ms, and
  // pino flushes synchronously on exit, so a line logged just before process.exit() is kept.
  const stdout = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const flushing = setInterval(() => stdout.flush(), FLUSH_INTERVAL_MS).unref();
  stdout.once('close', () => clearInterval(flushing));
  return pino(options, stdout);
}

function prettyStream(): DestinationStream {
  // Loaded only when asked for: production images run with LOG_FORMAT=json.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({
    sync: true,
    colorize: process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
}
