import { randomUUID } from 'node:crypto';
import { openDatabase, testDatabaseUrl } from '../../test/support/database';
import { PgDatabase } from './database';
import { RUNTIME_ROLE, WORKER_ROLE } from './tenancy';
import { runInTenantScope } from './tenant-scope';
import type { TestDatabase } from '../../test/support/database';

describe('Database (the one pool)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await openDatabase();
    await database.define(
      'test_database_rows',
      'CREATE TABLE IF NOT EXISTS test_database_rows (id UUID PRIMARY KEY)',
    );
  });

  afterAll(() => database.close());

  const exists = async (id: string) =>
    (await database.rows('SELECT 1 FROM test_database_rows WHERE id = $1', [id])).length === 1;

  it('runs named statements and reports rows and row counts', async () => {
    const statement = { name: 'test_database_echo', text: 'SELECT $1::int AS n' };
    for (const n of [1, 2]) {
      await expect(database.query(statement, [n])).resolves.toEqual({
        rows: [{ n }],
        rowCount: 1,
      });
    }
  });

  it('gives a statement under a tenant the same parameters as one without, and its tenant', async () => {
    const statement =
      'SELECT $1::text AS text, $2::int AS n, $3::uuid[] AS ids, $4::jsonb AS doc, ' +
      '$5::timestamptz AS at, $6::bytea AS bytes, $7::text AS nothing, $8::boolean AS flag, ' +
      "coalesce(current_setting('todo.tenant', true), '') AS tenant LIMIT $9";
    const id = randomUUID();
    const values = [
      "it's a \\ $2 'quote'",
      42,
      [id],
      { nested: ["o'k"] },
      new Date('2026-01-02T03:04:05.678Z'),
      Buffer.from([0, 1, 254]),
      null,
      true,
      5,
    ];
    // A lent connection's statements take their parameters as the protocol's parameters.
    const plain = await database.withConnection((connection) =>
      connection.query(statement, values),
    );
    const scoped = await runInTenantScope({ tenant: 't-1', subject: 's' }, () =>
      database.query(statement, values),
    );
    expect(plain.rows[0]).toMatchObject({ tenant: '' });
    expect(scoped.rows).toEqual([{ ...plain.rows[0], tenant: 't-1' }]);
    expect(plain.rows[0]).toMatchObject({ text: values[0], n: 42, ids: [id], nothing: null });
  });

  it('runs a statement or transaction of a scope with a role as that role, for it alone', async () => {
    const who =
      "SELECT current_user AS role, coalesce(current_setting('todo.tenant', true), '') AS tenant";
    const outcomes = [
      await runInTenantScope({ role: WORKER_ROLE }, () => database.query(who)),
      await runInTenantScope({ role: WORKER_ROLE, tenant: 't-2' }, () => database.query(who)),
      await runInTenantScope({ role: WORKER_ROLE, tenant: 't-2' }, () =>
        database.transaction((transaction) => transaction.query(who)),
      ),
      await database.query(who),
    ].map((result) => result.rows[0]);
    expect(outcomes).toEqual([
      { role: WORKER_ROLE, tenant: '' },
      { role: WORKER_ROLE, tenant: 't-2' },
      { role: WORKER_ROLE, tenant: 't-2' },
      // The test pool puts a statement outside any scope in the default tenant.
      { role: RUNTIME_ROLE, tenant: 'default' },
    ]);
    // A role that is not the service's is never sent.
    await expect(
      runInTenantScope({ role: 'postgres' as typeof WORKER_ROLE }, () => database.query(who)),
    ).rejects.toThrow(/Not a role of the service/);
  });

  it('commits a transaction that resolves and rolls back one that throws, passing its error on', async () => {
    const kept = randomUUID();
    const dropped = randomUUID();
    await database.transaction((tx) =>
      tx.query('INSERT INTO test_database_rows VALUES ($1)', [kept]),
    );
    const failure = new Error('changed my mind');
    await expect(
      database.transaction(async (tx) => {
        await tx.query('INSERT INTO test_database_rows VALUES ($1)', [dropped]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await exists(kept)).toBe(true);
    expect(await exists(dropped)).toBe(false);
  });

  it('gives a lent connection back without the session state its borrower left', async () => {
    const lockKey = 7_000_000_000 + Math.floor(Math.random() * 1_000_000);
    await database.withConnection(async (connection) => {
      await connection.query('SET statement_timeout = 123456');
      await connection.query('SELECT pg_advisory_lock($1)', [lockKey]);
    });
    // Whichever pooled connection answers, none keeps the setting, and the lock is free.
    const settings = await Promise.all(
      Array.from({ length: 5 }, () =>
        database.withConnection(
          async (connection) =>
            (await connection.query<{ value: string }>('SHOW statement_timeout')).rows[0]?.value,
        ),
      ),
    );
    expect(settings).not.toContain('123456ms');
    // Whichever connection the pool lends now, the lock is free only if the first borrower let go.
    const free = await database.withConnection(
      async (connection) =>
        (
          await connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
            lockKey,
          ])
        ).rows[0]?.locked,
    );
    expect(free).toBe(true);
  });

  it('gives a connection back even when its borrower fails, and the pool keeps serving', async () => {
    for (let i = 0; i < 30; i++) {
      await expect(
        database.withConnection(async (connection) => {
          await connection.query('SELECT 1');
          throw new Error('borrower failed');
        }),
      ).rejects.toThrow('borrower failed');
    }
    await expect(database.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
    expect(database.usage().waiting).toBe(0);
  });
});

describe('Database: a statement under a tenant on one connection', () => {
  let database: PgDatabase;

  beforeAll(async () => {
    // One connection, so that each statement meets what the one before it left behind.
    database = PgDatabase.connect({
      url: testDatabaseUrl(),
      poolSize: 1,
      connectionTimeoutMs: 10_000,
      migrate: false,
    });
    await database.query('SELECT 1');
  });

  afterAll(() => database.close());

  const scoped = <T>(work: () => Promise<T>) =>
    runInTenantScope({ tenant: 't-pipe', subject: 'who' }, work);

  it('rejects with the error of the statement, code kept, and the connection serves on', async () => {
    const divide = { name: 'test_database_divide', text: 'SELECT 10 / $1::int AS q' };
    // The first use fails after its Parse succeeded: the statement is kept and reused.
    await expect(scoped(() => database.query(divide, [0]))).rejects.toMatchObject({
      code: '22012',
    });
    await expect(scoped(() => database.query(divide, [5]))).resolves.toEqual({
      rows: [{ q: 2 }],
      rowCount: 1,
    });
    // A statement that does not parse is parsed again next time, and fails alike.
    const broken = { name: 'test_database_broken', text: 'SELEC $1::int' };
    for (let i = 0; i < 2; i++) {
      await expect(scoped(() => database.query(broken, [1]))).rejects.toMatchObject({
        code: '42601',
      });
    }
    await expect(
      scoped(() => database.query('SELECT * FROM no_such_table_at_all WHERE x = $1', [1])),
    ).rejects.toMatchObject({ code: '42P01' });
    await expect(
      scoped(() => database.query("SELECT current_setting('todo.tenant') AS tenant")),
    ).resolves.toEqual({ rows: [{ tenant: 't-pipe' }], rowCount: 1 });
  });

  it('parses and plans a named statement once per connection', async () => {
    const name = `test_database_once_${randomUUID().replaceAll('-', '')}`;
    const statement = {
      name,
      text: "SELECT $1::int AS n, current_setting('todo.subject') AS subject",
    };
    for (const n of [1, 2, 3]) {
      await expect(scoped(() => database.query(statement, [n]))).resolves.toEqual({
        rows: [{ n, subject: 'who' }],
        rowCount: 1,
      });
    }
    // Parsing it again would have failed (it exists); the connection ran it three times.
    const prepared = await database.withConnection((connection) =>
      connection.query<{ runs: string }>(
        'SELECT generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE name = $1',
        [name],
      ),
    );
    expect(prepared.rows).toEqual([{ runs: '3' }]);
  });

  it('leaves no tenant to the next statement on the connection', async () => {
    const tenant = "SELECT coalesce(current_setting('todo.tenant', true), '') AS tenant";
    await expect(scoped(() => database.query(tenant))).resolves.toMatchObject({
      rows: [{ tenant: 't-pipe' }],
    });
    const after = await database.withConnection((connection) => connection.query(tenant));
    expect(after.rows).toEqual([{ tenant: '' }]);
    await expect(database.query(tenant)).resolves.toMatchObject({ rows: [{ tenant: '' }] });
    // Nor a role: a scope's role ends with its statement.
    await runInTenantScope({ role: WORKER_ROLE, tenant: 't-pipe' }, () =>
      database.query('SELECT 1'),
    );
    await expect(database.query('SELECT current_user AS role')).resolves.toMatchObject({
      rows: [{ role: RUNTIME_ROLE }],
    });
  });

  it('returns every row of a statement with its count, and none of an empty one', async () => {
    const result = await scoped(() =>
      database.query('SELECT g AS n FROM generate_series(1, $1::int) g', [4]),
    );
    expect(result).toEqual({ rows: [1, 2, 3, 4].map((n) => ({ n })), rowCount: 4 });
    await expect(scoped(() => database.query(''))).resolves.toEqual({ rows: [], rowCount: 0 });
  });
});
