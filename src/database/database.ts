import { performance } from 'node:perf_hooks';
import { Pool, escapeLiteral } from 'pg';
import type { PoolClient } from 'pg';
// The driver's own rendering of a parameter's value (its public typings leave it out).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };
import type { DatabaseOptions } from './database.options';
import { RUNTIME_ROLE, SUBJECT_SETTING, TENANT_SETTING, WORKER_ROLE } from './tenancy';
import { currentTenantScope } from './tenant-scope';
import type { TenantScope } from './tenant-scope';

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
 * One lending of a pooled connection: how long the borrower waited for it, and whether a new
 * connection had to be opened for it (then the wait is mostly the time to connect).
 */
export type PoolAcquisition = { waitSeconds: number; opened: boolean };

/**
 * The process's one way to PostgreSQL at run time: a single connection pool behind a small
 * interface. Its connections act as the runtime role (see `tenancy.ts`), and every statement
 * made while a tenant scope is active runs in a transaction that names that tenant: a plain
 * `query` too (one round trip, see `runScoped`), since the tenant must end with its
 * transaction. (Subscription workers keep one plain connection each, because LISTEN and their
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

  /** Calls `listener` each time a connection is lent (for every statement and transaction). */
  abstract onAcquire(listener: (acquisition: PoolAcquisition) => void): void;
}

/** `Database` on a node-postgres pool. */
export class PgDatabase extends Database {
  private readonly listeners: ((acquisition: PoolAcquisition) => void)[] = [];
  /** Connections opened but not lent yet: the pool opens one for a borrower, then lends it. */
  private readonly opened = new WeakSet<PoolClient>();

  private constructor(private readonly pool: Pool) {
    super();
    pool.on('connect', (client) => this.opened.add(client));
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
      // Connections stay open while idle (a fixed-size pool). Closed after 10 s idle, as the
      // driver does by default, a quiet spell left none, and the first burst after it waited
      // while they were all opened again and every named statement was prepared anew on each.
      idleTimeoutMillis: 0,
    });
    // An idle connection that the server drops must not crash the process; the pool discards it.
    pool.on('error', () => undefined);
    return new PgDatabase(pool);
  }

  async query<Row = Record<string, unknown>>(
    statement: Statement,
    values: readonly unknown[] = [],
  ): Promise<QueryResult<Row>> {
    const scope = currentTenantScope();
    if (scope?.tenant === undefined && scope?.role === undefined) {
      return this.lend((client) => run<Row>(client, statement, values));
    }
    return this.lend((client) => runScoped<Row>(client, scope, statement, values));
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

  onAcquire(listener: (acquisition: PoolAcquisition) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /**
   * Lends a connection to `work`. It goes back to the pool afterwards unless it was lost or
   * `work` discarded it (a connection that could not be cleaned up is closed instead).
   */
  private async lend<T>(work: (client: PoolClient, discard: () => void) => Promise<T>): Promise<T> {
    const started = performance.now();
    const client = await this.pool.connect();
    const acquisition = {
      waitSeconds: (performance.now() - started) / 1000,
      opened: this.opened.delete(client),
    };
    for (const listener of this.listeners) listener(acquisition);
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
  target: PoolClient,
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

/**
 * One statement under a tenant in one round trip, with the statement's cached plan: the scope's
 * settings and the statement go as one extended-protocol pipeline closed by a single Sync, which
 * PostgreSQL runs as one implicit transaction, so the tenant set first holds for the statement
 * and ends with it. (A simple query of both did the same in one round trip, but its statement had
 * its parameters inlined as literals and was planned anew on every call.)
 */
async function runScoped<Row>(
  client: PoolClient,
  scope: TenantScope,
  statement: Statement,
  values: readonly unknown[],
): Promise<QueryResult<Row>> {
  const steps = scopeSteps(scope);
  const target: Step =
    typeof statement === 'string'
      ? { name: '', text: statement, values: values.map(prepareValue) }
      : { name: statement.name, text: statement.text, values: values.map(prepareValue) };
  return new Promise((resolve, reject) => {
    void client.query(new ScopedPipeline<Row>(steps, target, resolve, reject) as never);
  });
}

/** A statement of a pipeline, with its parameters as the driver renders them. */
type Step = { name: string; text: string; values: unknown[] };

/** The parts of the driver's connection a pipeline writes to (not in its public typings). */
type WireConnection = {
  parsedStatements: Record<string, string>;
  stream: { cork?: () => void; uncork?: () => void };
  parse(message: { name: string; text: string }): void;
  bind(message: { statement: string; values: unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: Record<string, never>): void;
  sync(): void;
  on(event: 'parseComplete', listener: () => void): void;
  off(event: 'parseComplete', listener: () => void): void;
};

type FieldsMessage = { fields: unknown[] };
/** The driver's result builder: it parses rows with the client's type parsers. */
type DriverResult = {
  rows: unknown[];
  rowCount: number | null;
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(message: unknown): void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const DriverResult = require('pg/lib/result') as new () => DriverResult;

/**
 * A "submittable" for the driver's `client.query`: it writes the scope's statements and then the
 * caller's, each by name where it has one so that each connection parses and plans it once, and
 * answers with the caller's statement's rows alone.
 */
class ScopedPipeline<Row> {
  /** The client gives it its type parsers before submitting (as it does its own queries). */
  readonly _result = new DriverResult();
  /** Statements of the scope still to answer; responses before the caller's belong to them. */
  private pending: number;
  /** Named statements parsed by this pipeline, in order, till their ParseComplete arrives. */
  private readonly parsing: Step[] = [];
  private connection: WireConnection | undefined;
  private rowError: unknown;

  constructor(
    private readonly steps: readonly Step[],
    private readonly target: Step,
    private readonly resolve: (result: QueryResult<Row>) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.pending = steps.length;
  }

  submit(connection: WireConnection): Error | null {
    for (const step of [...this.steps, this.target]) {
      const parsed = step.name === '' ? undefined : connection.parsedStatements[step.name];
      if (parsed !== undefined && parsed !== step.text) {
        return new Error(`Prepared statements must be unique - '${step.name}' names two texts`);
      }
    }
    this.connection = connection;
    connection.stream.cork?.();
    try {
      for (const step of this.steps) this.write(connection, step, false);
      this.write(connection, this.target, true);
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    if (this.parsing.length > 0) connection.on('parseComplete', this.onParseComplete);
    return null;
  }

  handleRowDescription(message: FieldsMessage): void {
    if (this.pending === 0) this._result.addFields(message.fields);
  }

  handleDataRow(message: FieldsMessage): void {
    if (this.pending > 0 || this.rowError !== undefined) return;
    try {
      this._result.addRow(this._result.parseRow(message.fields));
    } catch (error) {
      this.rowError = error;
    }
  }

  handleCommandComplete(message: unknown): void {
    if (this.pending > 0) this.pending--;
    else this._result.addCommandComplete(message);
  }

  handleEmptyQuery(): void {
    // An empty statement has no rows and no command; the result stays empty.
  }

  handlePortalSuspended(): void {
    // Never suspended: every Execute asks for all rows.
  }

  handleCopyInResponse(): void {
    // Not a COPY path; the server ends the statement with an error, which rejects it.
  }

  handleCopyData(): void {
    // As above.
  }

  /**
   * The first error of any statement: PostgreSQL skips the rest of the pipeline up to the Sync.
   * The client calls this once and then leaves the pipeline (its ReadyForQuery goes to no one).
   */
  handleError(error: unknown): void {
    this.stopListening();
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.stopListening();
    if (this.rowError !== undefined) {
      this.reject(this.rowError);
      return;
    }
    const rows = this._result.rows as Row[];
    this.resolve({ rows, rowCount: this._result.rowCount ?? rows.length });
  }

  private write(connection: WireConnection, step: Step, describe: boolean): void {
    if (step.name === '' || connection.parsedStatements[step.name] === undefined) {
      connection.parse({ name: step.name, text: step.text });
      if (step.name !== '') this.parsing.push(step);
    }
    connection.bind({ statement: step.name, values: step.values });
    if (describe) connection.describe({ type: 'P', name: '' });
    connection.execute({});
  }

  /**
   * A named statement stays on the connection once its Parse succeeded, even if a later
   * statement of the pipeline fails (prepared statements outlive transactions), so it is
   * recorded then; one whose Parse failed is not, and is parsed again next time.
   */
  private readonly onParseComplete = (): void => {
    const step = this.parsing.shift();
    if (step !== undefined && this.connection !== undefined) {
      this.connection.parsedStatements[step.name] = step.text;
    }
  };

  private stopListening(): void {
    this.connection?.off('parseComplete', this.onParseComplete);
  }
}

/** The scope's statements for the pipeline, by name, so that each connection plans them once. */
function scopeSteps(scope: TenantScope): Step[] {
  const steps: Step[] = [];
  if (scope.role !== undefined) {
    steps.push({ name: `todo_scope_role_${scope.role}`, text: setRole(scope.role), values: [] });
  }
  if (scope.tenant !== undefined) {
    steps.push({ ...TENANT_STATEMENT, values: [scope.tenant, scope.subject ?? ''] });
  }
  return steps;
}

const TENANT_STATEMENT = {
  name: 'todo_scope_tenant',
  text:
    `SELECT set_config('${TENANT_SETTING}', $1, true), ` +
    `set_config('${SUBJECT_SETTING}', $2, true)`,
};

async function inTransaction<T>(
  client: PoolClient,
  work: (transaction: Queryable) => Promise<T>,
  discard: () => void,
): Promise<T> {
  await client.query(['BEGIN', ...scopeSettings(currentTenantScope() ?? {})].join('; '));
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
 * The statements that give a transaction the scope's role, tenant and subject, for that
 * transaction only; sent with BEGIN as one simple query, so the values are quoted literals (a
 * single scoped statement takes them as parameters instead, see `scopeSteps`).
 */
function scopeSettings(scope: TenantScope): string[] {
  const settings: string[] = [];
  if (scope.role !== undefined) settings.push(setRole(scope.role));
  if (scope.tenant !== undefined) settings.push(tenantSettings(scope.tenant, scope.subject));
  return settings;
}

/** `SET LOCAL ROLE` for one of the service's own roles. */
function setRole(role: string): string {
  // Named by the caller's code, never by input; checked all the same, as it is not quoted.
  if (role !== RUNTIME_ROLE && role !== WORKER_ROLE) {
    throw new Error(`Not a role of the service: ${role}`);
  }
  return `SET LOCAL ROLE ${role}`;
}

function tenantSettings(tenant: string, subject: string | undefined): string {
  return (
    `SELECT set_config('${TENANT_SETTING}', ${escapeLiteral(tenant)}, true), ` +
    `set_config('${SUBJECT_SETTING}', ${escapeLiteral(subject ?? '')}, true)`
  );
}
