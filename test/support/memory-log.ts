import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createRootLogger } from '../../src/operations/logging/root-logger';
import type { LogLevelName } from '../../src/config';

/** A logger configured as in production (JSON), writing into memory for assertions. */
export function memoryLogger(level: LogLevelName = 'info'): {
  logger: Logger;
  text: () => string;
  lines: () => Record<string, unknown>[];
  waitFor: (match: (line: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createRootLogger({ level, format: 'json' }, stream);
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  // The request line is written when the response finishes, which may be just after the client
  // has read it; poll briefly (bounded) instead of sleeping a fixed time.
  const waitFor = async (match: (line: Record<string, unknown>) => boolean) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const found = lines().find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`No matching log line in:\n${text()}`);
  };
  return { logger, text, lines, waitFor };
}
