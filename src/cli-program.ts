import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError } from 'commander';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config';
import { provideDatabase } from './database/database-provider';
import { runWithRequestContext } from './shared/application/request-context';
import { EventStoreError } from './event-store';
import { registerProjectionCommands } from './event-store/cli';
import type { RunWithApp } from './event-store/cli';
import { DomainError } from './shared/domain/domain-error';
import { registerTodoCommands } from './todo/interface/cli/todo.cli';
import type { RunWithBuses } from './todo/interface/cli/todo.cli';

export type CliIo = {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars redraw in place then). */
  stderrIsTTY?: boolean;
};

/**
 * Runs one CLI invocation (`args` without node and the script) and resolves to its exit code.
 * The CLI boots the same modules as the HTTP service, without HTTP, and talks to the buses.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('todo')
    .description('Manage todos from the command line (the same commands as the HTTP API).')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  const withApp: RunWithApp = async (work, print) => {
    const json = program.opts<{ json?: boolean }>().json === true;
    const config = loadConfig(io.env);
    const database = await provideDatabase(config, () => undefined);
    try {
      const app = await NestFactory.createApplicationContext(
        AppModule.forRoot({
          database: { url: database.url, migrate: true, ...config.database },
          write: config.write,
          // A short-lived command must not start taking over subscriptions from the service.
          subscriptions: { enabled: false },
        }),
        { logger: false, abortOnError: false },
      );
      try {
        // The CLI is trusted like a shell on the server; its events name the local user.
        const result = await runWithRequestContext(
          { requestId: randomUUID(), subject: `cli:${localUser()}` },
          () => work(app),
        );
        io.stdout(`${print(result, json)}\n`);
      } finally {
        await app.close();
      }
    } finally {
      await database.stop();
    }
  };
  const run: RunWithBuses = (work, print) =>
    withApp((app) => work({ commands: app.get(CommandBus), queries: app.get(QueryBus) }), print);
  registerTodoCommands(program, run);
  registerProjectionCommands(program, withApp, {
    write: io.stderr,
    isTTY: io.stderrIsTTY === true,
  });

  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has already printed its own usage errors and help.
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr(`error: ${oneLine(error)}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  if (error instanceof DomainError || error instanceof EventStoreError)
    return `${error.code}: ${error.message}`;
  if (error instanceof ConfigError) return `configuration: ${error.message}`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
