import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config';
import type { AppConfig } from './config';
import { provideDatabase } from './database/database-provider';
import type { DatabaseHandle } from './database/database-provider';
import { ReadinessChecks } from './operations/health/readiness-checks';
import { createRootLogger } from './operations/logging/root-logger';
import { assertCanListen, listenErrorOf } from './listen-check';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    // No logger yet: the configuration that would choose its format is what is wrong.
    process.stderr.write(`Start-up failed: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const root = createRootLogger(config.log);
  const logger = root.child({ context: 'Bootstrap' });
  try {
    await start(config, root, logger);
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    logger.fatal(`Start-up failed: ${message}`);
    process.exit(1);
  }
}

async function start(config: AppConfig, root: Logger, logger: Logger): Promise<void> {
  await assertCanListen(config.port, config.host);
  const database = await provideDatabase(config, (message) => logger.info(message));
  logger.info(`Database: ${database.description}`);

  let app: NestExpressApplication | undefined;
  try {
    app = await createApp({
      database: { url: database.url, migrate: true, ...config.database },
      write: config.write,
      subscriptions: config.subscriptions,
      http: config.http,
      auth: config.auth,
      integration: config.integration,
      logger: root,
    });
    await (config.host === undefined
      ? app.listen(config.port)
      : app.listen(config.port, config.host));
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    // Taken between the check above and now: still one line, not a stack trace.
    throw listenErrorOf(error, config.port, config.host) ?? error;
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info(
    `Listening on http://localhost:${port} (API docs: ${
      config.http.docsEnabled ? `http://localhost:${port}/docs` : 'off'
    })`,
  );
  installShutdown(app, database, config.shutdownGraceMs, logger);
}

/**
 * SIGTERM/SIGINT: report not ready, stop accepting connections, let in-flight requests finish
 * (at most `graceMs`), close the pool and the embedded PostgreSQL, exit 0. Past the grace
 * period the remaining connections are cut and the exit code is 1.
 */
function installShutdown(
  app: NestExpressApplication,
  database: DatabaseHandle,
  graceMs: number,
  logger: Logger,
): void {
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight requests, then shutting down`);
    app.get(ReadinessChecks).startDraining();
    const server = app.getHttpServer();
    // A keep-alive connection that finishes its last response would otherwise hold close()
    // open until its idle timeout.
    const reaper = setInterval(() => server.closeIdleConnections(), 100);
    let forced = false;
    const deadline = setTimeout(() => {
      forced = true;
      logger.warn(`Requests still running after ${graceMs} ms: closing their connections`);
      server.closeAllConnections();
    }, graceMs);
    try {
      await app.close();
      await database.stop();
      logger.info('Shut down cleanly');
      process.exit(forced ? 1 : 0);
    } catch (error) {
      logger.error(`Shutdown failed: ${String(error)}`);
      process.exit(1);
    } finally {
      clearInterval(reaper);
      clearTimeout(deadline);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}

void main();
