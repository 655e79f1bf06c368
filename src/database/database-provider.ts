import type { AppConfig } from '../config';
import { startEmbeddedPostgres } from './embedded-postgres';
import type { DatabaseHandle } from './embedded-postgres';

export type { DatabaseHandle } from './embedded-postgres';

/** `DATABASE_URL` when set; otherwise an embedded PostgreSQL under the data directory. */
export async function provideDatabase(
  config: AppConfig,
  log: (message: string) => void,
): Promise<DatabaseHandle> {
  if (config.databaseUrl !== undefined) {
    return {
      url: config.databaseUrl,
      description: `PostgreSQL from DATABASE_URL (${redactUrl(config.databaseUrl)})`,
      stop: () => Promise.resolve(),
    };
  }
  return startEmbeddedPostgres(config.dataDir, log);
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
