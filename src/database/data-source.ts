import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseOptions } from './database.options';
import { migrate } from './migrate';
import { migrations } from './migrations';

/** An initialised, pooled DataSource; pending migrations are run first when asked to. */
export async function createDataSource(options: DatabaseOptions): Promise<DataSource> {
  const logger = new Logger('Database');
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      application_name: 'todo-service',
    },
  });
  await dataSource.initialize();
  if (options.migrate) {
    try {
      const applied = await migrate(dataSource);
      if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
  }
  return dataSource;
}
