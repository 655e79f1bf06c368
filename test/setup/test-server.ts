import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/** A PostgreSQL server for the test run, and how to let go of it. */
export type TestServer = {
  /** A URL on which the run may create and drop databases. */
  adminUrl: string;
  description: string;
  stop(): Promise<void>;
};

/**
 * Picks the test run's PostgreSQL: DATABASE_URL when set; else a Testcontainers container when a
 * container runtime answers; else an embedded server from npm. Always a real server.
 */
export async function startTestServer(log: (message: string) => void): Promise<TestServer> {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) {
    return { adminUrl: fromEnv, description: 'DATABASE_URL', stop: () => Promise.resolve() };
  }
  const container = await tryTestcontainers(log);
  if (container) return container;
  return startEmbedded();
}

async function tryTestcontainers(log: (message: string) => void): Promise<TestServer | undefined> {
  // Imported lazily: loading the library takes a second or two, wasted when DATABASE_URL is set.
  const { getContainerRuntimeClient } = await import('testcontainers');
  try {
    await getContainerRuntimeClient();
  } catch {
    log('No container runtime answers; using an embedded PostgreSQL.');
    return undefined;
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:18-alpine').start();
  return {
    adminUrl: container.getConnectionUri(),
    description: 'Testcontainers PostgreSQL',
    stop: async () => {
      await container.stop();
    },
  };
}

async function startEmbedded(): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'todo-test-pg-'));
  const handle = await startEmbeddedPostgres(dir, () => undefined);
  return {
    adminUrl: handle.url,
    description: 'embedded PostgreSQL',
    stop: async () => {
      await handle.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
