/**
 * Row-level tenancy, enforced by PostgreSQL. Every table that holds a tenant's data has a
 * `tenant_id` column, row-level security enabled and forced, and one policy: a row is visible
 * and writable only while the transaction's `todo.tenant` setting names its tenant. The service
 * runs its statements as `RUNTIME_ROLE`, which owns nothing and cannot bypass row-level
 * security; `Database` sets the tenant with `set_config(..., true)`, so it ends with the
 * transaction and a statement that runs without it sees nothing and writes nothing.
 *
 * `WORKER_ROLE` is the role of background work that spans tenants: it may read the whole event
 * log (subscriptions and status), delete expired idempotency records, and otherwise writes only
 * under a tenant it sets per run of events, like the runtime role. Migrations run as the
 * owner (the login of `DATABASE_URL`).
 */

/** The setting that names the transaction's tenant. */
export const TENANT_SETTING = 'todo.tenant';
/** The setting that names the transaction's acting subject. */
export const SUBJECT_SETTING = 'todo.subject';
/** The role of requests and commands: subject to every tenant policy. */
export const RUNTIME_ROLE = 'todo_app';
/** The role of subscriptions and clean-ups: reads the log of every tenant. */
export const WORKER_ROLE = 'todo_worker';

/** A role the service's connections may act as. */
export type ServiceRole = typeof RUNTIME_ROLE | typeof WORKER_ROLE;

/** The policy's test: the row belongs to the tenant this transaction set (none: no row). */
export const TENANT_MATCHES = `tenant_id = current_setting('${TENANT_SETTING}', true)`;

type Runner = { query(sql: string): Promise<unknown> };

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * Creates the two roles unless they exist (roles belong to the cluster, so another database of
 * the service may have made them, possibly at this very moment) and lets the migrating login
 * switch to them. Neither can log in; the service's connections switch to them.
 */
export async function ensureRoles(runner: Runner): Promise<void> {
  for (const role of [RUNTIME_ROLE, WORKER_ROLE]) {
    await runner.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    // A superuser may switch to any role already; another owner needs the membership. It may
    // have it already (granted by an administrator, who made the roles beforehand), and then
    // must not grant it itself: that takes the admin option, which such a login lacks. Since
    // PostgreSQL 16 a membership may be held without the right to switch (the one a
    // CREATEROLE login gets for a role it creates), so there the test is SET.
    await runner.query(`
      DO $$ BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           AND NOT pg_has_role(current_user, '${role}',
             CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END)
        THEN
          EXECUTE format('GRANT ${role} TO %I', current_user);
        END IF;
      END $$`);
  }
  await runner.query(`GRANT USAGE ON SCHEMA public TO ${RUNTIME_ROLE}, ${WORKER_ROLE}`);
}

/**
 * Gives `table` its `tenant_id`: existing rows belong to the `default` tenant, new rows to the
 * transaction's tenant (an insert without one fails: the setting is missing or empty).
 */
export async function addTenantColumn(runner: Runner, table: string): Promise<void> {
  await runner.query(
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS tenant_id TEXT NOT NULL DEFAULT 'default'`,
  );
  await runner.query(
    `ALTER TABLE ${table} ALTER COLUMN tenant_id SET DEFAULT current_setting('${TENANT_SETTING}')`,
  );
  await runner.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_tenant_id_check`);
  await runner.query(
    `ALTER TABLE ${table} ADD CONSTRAINT ${table}_tenant_id_check CHECK (tenant_id <> '')`,
  );
}

/**
 * Enables and forces row-level security on a table with `tenant_id`, with the tenant policy for
 * both roles, and grants each role its privileges (and the sequences' use).
 */
export async function protectTenantTable(
  runner: Runner,
  table: string,
  privileges: { runtime: readonly TablePrivilege[]; worker: readonly TablePrivilege[] },
): Promise<void> {
  await runner.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
  await runner.query(`DROP POLICY IF EXISTS ${table}_tenant ON ${table}`);
  await runner.query(`
    CREATE POLICY ${table}_tenant ON ${table} TO ${RUNTIME_ROLE}, ${WORKER_ROLE}
    USING (${TENANT_MATCHES}) WITH CHECK (${TENANT_MATCHES})`);
  await grant(runner, table, privileges);
}

/** Grants the roles their privileges on a table that holds no tenant's data. */
export async function grant(
  runner: Runner,
  table: string,
  privileges: { runtime: readonly TablePrivilege[]; worker: readonly TablePrivilege[] },
): Promise<void> {
  await runner.query(`REVOKE ALL ON ${table} FROM ${RUNTIME_ROLE}, ${WORKER_ROLE}`);
  if (privileges.runtime.length > 0) {
    await runner.query(`GRANT ${privileges.runtime.join(', ')} ON ${table} TO ${RUNTIME_ROLE}`);
  }
  if (privileges.worker.length > 0) {
    await runner.query(`GRANT ${privileges.worker.join(', ')} ON ${table} TO ${WORKER_ROLE}`);
  }
  await runner.query(
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${RUNTIME_ROLE}, ${WORKER_ROLE}`,
  );
}

/**
 * Replaces a primary key (keeping its name, which code may match on) by one on `columns`.
 */
export async function rekey(runner: Runner, table: string, columns: string): Promise<void> {
  await runner.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
  await runner.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (${columns})`);
}
