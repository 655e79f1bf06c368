import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { Database } from '../../src/database/database';
import type {
  Connection,
  PoolAcquisition,
  PoolUsage,
  QueryResult,
  Queryable,
  Statement,
} from '../../src/database/database';
import { connectDatabase } from '../../src/database/database.module';
import { migrations } from '../../src/migrations';
import { RUNTIME_ROLE, WORKER_ROLE } from '../../src/database/tenancy';
import {
  DEFAULT_TENANT,
  currentTenantScope,
  runInTenantScope,
} from '../../src/database/tenant-scope';

/**
 * Runs `work` in the current tenant scope, or in the `default` tenant when there is none (as an
 * unauthenticated service does), so tests that reach the store directly see the rows their
 * requests wrote. A scope that names a role chose its tenant (or none) itself.
 */
function inTenant<T>(work: () => T): T {
  const scope = currentTenantScope();
  return scope?.tenant === undefined && scope?.role === undefined
    ? runInTenantScope({ tenant: DEFAULT_TENANT, subject: '' }, work)
    : work();
}

/** The run's database (created by the global setup). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (npm test).');
  return url;
}

/** The service's `Database`, plus what tests want: rows straight away, and closing. */
export class TestDatabase extends Database {
  constructor(
    private readonly inner: Database,
    private readonly onClose: () => Promise<void> = () => Promise.resolve(),
  ) {
    super();
  }

  query<Row = Record<string, unknown>>(
    statement: Statement,
    values?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    return inTenant(() => this.inner.query<Row>(statement, values));
  }

  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T> {
    return inTenant(() => this.inner.transaction(work));
  }

  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
    return inTenant(() => this.inner.withConnection(work));
  }

  usage(): PoolUsage {
    return this.inner.usage();
  }

  onAcquire(listener: (acquisition: PoolAcquisition) => void): void {
    this.inner.onAcquire(listener);
  }

  /** The rows of one statement. */
  async rows<Row = Record<string, unknown>>(
    statement: Statement,
    values?: readonly unknown[],
  ): Promise<Row[]> {
    return (await inTenant(() => this.inner.query<Row>(statement, values))).rows;
  }

  /** The rows of one statement run as the login that owns the tables (not the service's role). */
  async asOwner<Row = Record<string, unknown>>(
    statement: Statement,
    values?: readonly unknown[],
  ): Promise<Row[]> {
    return this.inner.withConnection(async (connection) => {
      await connection.query('SET ROLE NONE');
      return (await connection.query<Row>(statement, values)).rows;
    });
  }

  /**
   * Runs DDL as the login that owns the tables (the service's roles may create nothing), then
   * lets both service roles use `table` as a table of no tenant.
   */
  async define(table: string, ddl: string): Promise<void> {
    await this.inner.withConnection(async (connection) => {
      await connection.query('SET ROLE NONE');
      await connection.query(ddl);
      await connection.query(`GRANT ALL ON ${table} TO ${RUNTIME_ROLE}, ${WORKER_ROLE}`);
    });
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

/**
 * A migrated pool on the run's database (or `url`), as the service opens it. Tests isolate by
 * fresh ids, not by truncation.
 */
export async function openDatabase(url = testDatabaseUrl()): Promise<TestDatabase> {
  const database = await connectDatabase(
    {
      url,
      poolSize: 20,
      connectionTimeoutMs: 10_000,
      migrate: true,
    },
    migrations,
  );
  return new TestDatabase(database, () => database.close());
}

/** The pool of a running app (closed with the app). */
export function databaseOf(app: INestApplicationContext): TestDatabase {
  return new TestDatabase(app.get(Database));
}

/** Creates an empty database beside the run's one; returns its URL and a function that drops it. */
export async function createScratchDatabase(
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? testDatabaseUrl();
  const name = `${new URL(testDatabaseUrl()).pathname.slice(1)}_${label}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
