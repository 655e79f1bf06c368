import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import type { WriteSettings } from '../../src/shared/application/write-settings';
import { testDatabaseUrl } from './database';

/** The real application (same factory as production) on the run's database. */
export async function startTestApp(
  write: Partial<WriteSettings> = {},
): Promise<NestExpressApplication> {
  const app = await createApp({
    database: { url: testDatabaseUrl(), poolSize: 10, connectionTimeoutMs: 10_000, migrate: true },
    write,
    logger: ['error', 'fatal'],
  });
  await app.init();
  return app;
}
