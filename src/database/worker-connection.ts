import { Client } from 'pg';
import type { DatabaseOptions } from './database.options';
import { WORKER_ROLE } from './tenancy';

/**
 * A connection of its own, outside the pool, as the worker role: for background work that holds
 * a session (LISTEN, a session lock, a read position) and reads every tenant's events. An error
 * that arrives while the connection sits idle (the server shutting down) must not crash the
 * process: it is swallowed here, and the connection's next query fails instead, which the caller
 * answers by connecting again.
 */
export async function connectAsWorker(
  database: DatabaseOptions,
  applicationName: string,
): Promise<Client> {
  const client = new Client({
    connectionString: database.url,
    connectionTimeoutMillis: database.connectionTimeoutMs,
    application_name: applicationName,
    options: `-c role=${WORKER_ROLE}`,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}
