import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.factory';
import type { CreateAppOptions } from '../../src/app.factory';
import { testDatabaseUrl } from './database';

/**
 * The real application (same factory as production) on the run's database. Rate limiting is off
 * unless a test asks for it: suites send many requests from one address.
 */
export async function startTestApp(
  overrides: Partial<CreateAppOptions> = {},
): Promise<NestExpressApplication> {
  const app = await createApp({
    database: { url: testDatabaseUrl(), poolSize: 10, connectionTimeoutMs: 10_000, migrate: true },
    logger: ['error', 'fatal'],
    ...overrides,
    http: { rateLimit: { limit: 0, windowMs: 60_000 }, ...overrides.http },
  });
  await app.init();
  return app;
}
