import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config';
import { provideDatabase } from './database/database-provider';

async function main(): Promise<void> {
  const logger = new Logger('Bootstrap');
  const config = loadConfig(process.env);
  const database = await provideDatabase(config, (message) => logger.log(message));
  logger.log(`Database: ${database.description}`);

  let app;
  try {
    app = await createApp({
      database: { url: database.url, migrate: true, ...config.database },
      write: config.write,
      subscriptions: config.subscriptions,
    });
    await (config.host === undefined
      ? app.listen(config.port)
      : app.listen(config.port, config.host));
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
  // With PORT=0 the system picks a free port; report the one actually bound.
  const address: AddressInfo | string | null = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.log(`Listening on http://localhost:${port} (API docs: http://localhost:${port}/docs)`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    try {
      await app.close();
      await database.stop();
      process.exit(0);
    } catch (error) {
      logger.error(`Shutdown failed: ${String(error)}`);
      process.exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  new Logger('Bootstrap').fatal(`Start-up failed: ${message}`);
  process.exit(1);
});
