import { DataSource } from 'typeorm';
import type { MigrationInterface } from 'typeorm';
import { migrate } from './migrate';

export type MigrationClass = new () => MigrationInterface;

/**
 * Applies the pending migrations with TypeORM, then closes its connections: TypeORM only runs
 * migrations here; the service reaches PostgreSQL through `Database` alone. Several processes
 * starting at once migrate one after the other. Returns the names of the migrations applied.
 */
export async function runMigrations(
  url: string,
  migrations: readonly MigrationClass[],
): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...migrations],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    // One connection holds the migration lock, the other runs the migrations.
    extra: { max: 2, application_name: 'todo-service-migrations' },
  });
  await dataSource.initialize();
  try {
    return await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
