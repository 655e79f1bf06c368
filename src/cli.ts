import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError } from 'commander';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config';
import { provideDatabase } from './database/database-provider';
import { DomainError } from './shared/domain/domain-error';
import { registerTodoCommands } from './todo/interface/cli/todo.cli';
import type { RunWithBuses } from './todo/interface/cli/todo.cli';

const program = new Command('todo')
  .description('Manage todos from the command line (same commands as the HTTP API).')
  .option('--json', 'print machine-readable JSON')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const run: RunWithBuses = async (work, print) => {
  const json = program.opts<{ json?: boolean }>().json === true;
  const config = loadConfig(process.env);
  const database = await provideDatabase(config, () => undefined);
  try {
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ database: { url: database.url, migrate: true, ...config.database } }),
      { logger: false, abortOnError: false },
    );
    try {
      const result = await work({ commands: app.get(CommandBus), queries: app.get(QueryBus) });
      process.stdout.write(`${print(result, json)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
};

registerTodoCommands(program, run);

function oneLine(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  if (error instanceof ConfigError) return `configuration: ${error.message}`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

program
  .parseAsync(process.argv)
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has printed help or its message already.
      process.exit(error.exitCode);
    }
    process.stderr.write(`error: ${oneLine(error)}\n`);
    if (process.env.DEBUG) new Logger('CLI').error(error);
    process.exit(1);
  });
