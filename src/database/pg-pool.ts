import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The node-postgres pool under a TypeORM DataSource (its connections, settings and timeouts).
 * Hot read paths query it directly with named statements, which each connection parses once;
 * everything else goes through TypeORM.
 */
export function pgPoolOf(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('The DataSource has no connection pool: it is not initialised.');
  return pool;
}
