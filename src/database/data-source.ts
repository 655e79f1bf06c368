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
      // Set per connection by the driver, so a blocked or runaway statement ends with an error
      // the API reports as 503 instead of holding a request (and a pooled connection) forever.
      statement_timeout: options.statementTimeoutMs ?? 0,
      lock_timeout: options.lockTimeoutMs ?? 0,
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
