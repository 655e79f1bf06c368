import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { Database, PgDatabase } from './database';
import { DATABASE_OPTIONS } from './database.options';
import type { DatabaseOptions } from './database.options';
import { runMigrations } from './data-source';
import type { MigrationClass } from './data-source';

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: PgDatabase) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

/**
 * Provides `Database` (the process's one connection pool) to the whole app, after applying
 * pending migrations when asked to. The migrations come from the modules that own the tables
 * (collected by the application); this module knows none of them.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions, migrations: readonly MigrationClass[]): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_OPTIONS, useValue: options },
        { provide: Database, useFactory: () => connectDatabase(options, migrations) },
        DatabaseCloser,
      ],
      exports: [Database, DATABASE_OPTIONS],
    };
  }
}

/**
 * Migrates when the options say so, then opens the pool and checks that PostgreSQL answers, so a
 * process with an unreachable database fails at start instead of on its first request.
 */
export async function connectDatabase(
  options: DatabaseOptions,
  migrations: readonly MigrationClass[],
): Promise<PgDatabase> {
  if (options.migrate) {
    const applied = await runMigrations(options.url, migrations);
    if (applied.length > 0) new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
  }
  const database = PgDatabase.connect(options);
  try {
    // Row-level security means nothing to a role that bypasses it: refuse to serve as one.
    const { rows } = await database.query<{ role: string; bypasses: boolean }>(
      `SELECT current_user AS role, rolsuper OR rolbypassrls AS bypasses
       FROM pg_roles WHERE rolname = current_user`,
    );
    if (rows[0]?.bypasses !== false) {
      throw new Error(
        `The service's role ${rows[0]?.role ?? '(unknown)'} bypasses row-level security; it must not.`,
      );
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
