import { Pool, escapeLiteral } from 'pg';
import type { PoolClient } from 'pg';
import type { DatabaseOptions } from './database.options';
import { RUNTIME_ROLE, SUBJECT_SETTING, TENANT_SETTING } from './tenancy';
import { currentTenantScope } from './tenant-scope';

/** A statement with a name: each pooled connection parses and plans it once, on first use. */
export type NamedStatement = { name: string; text: string };

/** SQL with `$1`, `$2`, ... placeholders; give it a name when it runs on a hot path. */
export type Statement = string | NamedStatement;

export type QueryResult<Row> = { rows: Row[]; rowCount: number };

/** Something that runs one parameterised statement: the pool, a transaction or a connection. */
export interface Queryable {
  query<Row = Record<string, unknown>>(
    statement: Statement,
    values?: readonly unknown[],
  ): Promise<QueryResult<Row>>;
}

/** One connection lent for a while: for session state (locks, settings) across transactions. */
export interface Connection extends Queryable {
  /** Runs `work` in a transaction on this connection: committed if it resolves, rolled back if not. */
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
}

/** How busy the pool is, for metrics. */
export type PoolUsage = { total: number; idle: number; waiting: number };

/**
 * The process's one way to PostgreSQL at run time: a single connection pool behind a small
 * interface. Its connections act as the runtime role (see `tenancy.ts`), and every statement
 * made while a tenant scope is active runs in a transaction that names that tenant: a plain
 * `query` too, since the tenant must end with its transaction. (Subscription workers keep one plain connection each, because LISTEN and their
 * session lock must outlive any lending of a pooled one.) Also the Nest injection token.
 */
export abstract class Database implements Queryable {
  abstract query<Row = Record<string, unknown>>(
    statement: Statement,
    values?: readonly unknown[],
  ): Promise<QueryResult<Row>>;

  /**
   * Runs `work` in a transaction on one pooled connection: committed if `work` resolves, rolled
   * back if it throws (the error reaches the caller unchanged).
   */
  abstract transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;

  /**
   * Lends one pooled connection to `work` for as long as it runs. Session state it leaves
   * behind (settings, advisory locks) is cleared before the connection goes back to the pool.
   */
  abstract withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T>;

  abstract usage(): PoolUsage;
}

/** `Database` on a node-postgres pool. */
export class PgDatabase extends Database {
  private constructor(private readonly pool: Pool) {
    super();
  }

  /**
   * A pool configured from the options; connections open on first use, acting as `role`
   * whatever the login (a superuser's connections switch to it when they open).
   */
  static connect(
    options: DatabaseOptions,
    applicationName = 'todo-service',
    role = RUNTIME_ROLE,
  ): PgDatabase {
    const pool = new Pool({
      connectionString: options.url,
      // A startup setting, not a SET: RESET ROLE and RESET ALL return to it.
      options: `-c role=${role}`,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      application_name: applicationName,
      // Set per connection by the driver, so a blocked or runaway statement ends with an error
      // the API reports as 503 instead of holding a request (and a pooled connection) forever.
      statement_timeout: options.statementTimeoutMs ?? 0,
      lock_timeout: options.lockTimeoutMs ?? 0,
    });
    // An idle connection that the server drops must not crash the process; the pool discards it.
    pool.on('error', () => undefined);
    return new PgDatabase(pool);
  }

  async query<Row = Record<string, unknown>>(
    statement: Statement,
    values: readonly unknown[] = [],
  ): Promise<QueryResult<Row>> {
    if (currentTenantScope()?.tenant === undefined) return run<Row>(this.pool, statement, values);
    return this.transaction((transaction) => transaction.query<Row>(statement, values));
  }

  async transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
    return this.lend((client, discard) => inTransaction(client, work, discard));
  }

  async withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    return this.lend(async (client, discard) => {
      const connection: Connection = {
        query: (statement, values = []) => run(client, statement, values),
        transaction: (inner) => inTransaction(client, inner, discard),
      };
      try {
        return await work(connection);
      } finally {
        // Prepared statements stay: they are the pool's cache. Anything else a session may
        // keep goes, so the next borrower finds the connection as the pool opened it.
        // RESET ALL leaves the role alone; RESET ROLE returns to the pool's startup role.
        await client.query('RESET ROLE; RESET ALL; SELECT pg_advisory_unlock_all()').catch(discard);
      }
    });
  }

  usage(): PoolUsage {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /**
   * Lends a connection to `work`. It goes back to the pool afterwards unless it was lost or
   * `work` discarded it (a connection that could not be cleaned up is closed instead).
   */
  private async lend<T>(work: (client: PoolClient, discard: () => void) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // The pool listens for errors only on idle connections. Without a listener of our own, a
    // connection lost between two statements would crash the process with an unhandled 'error'.
    let lost: Error | boolean | undefined;
    const onError = (error: Error) => (lost = error);
    client.on('error', onError);
    try {
      return await work(client, () => (lost ??= true));
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }
}

async function run<Row>(
  target: Pool | PoolClient,
  statement: Statement,
  values: readonly unknown[],
): Promise<QueryResult<Row>> {
  const text = typeof statement === 'string' ? { text: statement } : statement;
  const result = await target.query<Row & Record<string, unknown>>({
    ...text,
    values: [...values],
  });
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}

async function inTransaction<T>(
  client: PoolClient,
  work: (transaction: Queryable) => Promise<T>,
  discard: () => void,
): Promise<T> {
  await client.query(beginFor(currentTenantScope()?.tenant, currentTenantScope()?.subject));
  try {
    const result = await work({
      query: (statement, values = []) => run(client, statement, values),
    });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // A broken connection has lost the transaction anyway; the first error is the one to
      // report, and the connection must not be lent again.
      discard();
    }
    throw error;
  }
}

/**
 * BEGIN, naming the tenant and subject for this transaction only (one round trip: a simple
 * query of two statements, so the values are quoted literals rather than parameters).
 */
function beginFor(tenant: string | undefined, subject: string | undefined): string {
  if (tenant === undefined) return 'BEGIN';
  return (
    `BEGIN; SELECT set_config('${TENANT_SETTING}', ${escapeLiteral(tenant)}, true), ` +
    `set_config('${SUBJECT_SETTING}', ${escapeLiteral(subject ?? '')}, true)`
  );
}
