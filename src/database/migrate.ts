import type { DataSource } from 'typeorm';

// Any fixed 64-bit key works; it only has to be the same for every process of this service.
const MIGRATION_LOCK_KEY = 7_251_004_117;

/**
 * Runs pending migrations while holding a PostgreSQL advisory lock, so that several processes
 * starting at once migrate one after the other: the first does the work, the others then find
 * nothing pending.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
