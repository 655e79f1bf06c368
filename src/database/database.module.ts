import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DATABASE_OPTIONS } from './database.options';
import type { DatabaseOptions } from './database.options';
import { migrate } from './migrate';
import { migrations } from './migrations';

async function createDataSource(options: DatabaseOptions): Promise<DataSource> {
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

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the TypeORM `DataSource` (a pooled PostgreSQL connection) to the whole app. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_OPTIONS, useValue: options },
        { provide: DataSource, useFactory: () => createDataSource(options) },
        DataSourceCloser,
      ],
      exports: [DataSource, DATABASE_OPTIONS],
    };
  }
}
