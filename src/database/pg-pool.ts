import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** A statement with a name: each pooled connection parses and plans it once, on first use. */
export type NamedStatement = { name: string; text: string };

/**
 * The node-postgres pool under a TypeORM DataSource (its connections, settings and timeouts).
 * The hot paths (the event store's appends and stream reads, the todo reads and snapshot loads)
 * use it directly with named statements; everything else goes through TypeORM.
 */
export function pgPoolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('The DataSource has no connection pool: it is not initialised.');
  return pool;
}

/**
 * Runs a named statement on the DataSource's pool. TypeORM's `query()` cannot name a statement,
 * and its per-query runner adds nothing to a single read.
 */
export async function queryNamed<Row>(
  dataSource: DataSource,
  statement: NamedStatement,
  values: unknown[],
): Promise<Row[]> {
  const result = await pgPoolOf(dataSource).query<Row & Record<string, unknown>>({
    ...statement,
    values,
  });
  return result.rows;
}
