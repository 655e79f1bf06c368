import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { NestFactory } from '@nestjs/core';
import { Command, CommanderError } from 'commander';
import { AppModule } from './app.module';
import { registerKeyCommands, tenantArgument } from './auth/keys.cli';
import { cliProblemOf, EXIT_CODES, EXIT_CODES_HELP, problemJson, problemText } from './cli-problem';
import { loadConfig } from './config';
import { provideDatabase } from './database/database-provider';
import { runWithRequestContext } from './shared/application/request-context';
import { registerProjectionCommands } from './event-store/cli';
import type { RunWithApp } from './event-store/cli';
import { registerListCommands } from './lists/interface/cli/lists.cli';
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
  // Known before parsing, so that even an error in parsing itself is reported as JSON.
  const jsonErrors = jsonRequested(args);
  const program = new Command('todo')
    .description('Manage todos from the command line (the same commands as the HTTP API).')
    .option('--json', 'print machine-readable JSON (errors: one JSON line on stderr)')
    .option('--tenant <tenant>', 'act for this tenant', tenantArgument, 'default')
    .addHelpText('after', EXIT_CODES_HELP)
    // Commands added later inherit these settings. With --json, commander's own error text is
    // withheld and the error is written once, as JSON, below.
    .showHelpAfterError(jsonErrors ? false : '(add --help for usage)')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: jsonErrors ? () => undefined : io.stderr,
    })
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
        // The CLI is trusted like a shell on the server; it acts for the tenant it is told to,
        // and its events name the local user.
        const { tenant } = program.opts<{ tenant: string }>();
        const result = await runWithRequestContext(
          { requestId: randomUUID(), subject: `cli:${localUser()}`, tenant },
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
  registerListCommands(program, run);
  registerKeyCommands(program, io.stdout);
  registerProjectionCommands(program, withApp, {
    write: io.stderr,
    isTTY: io.stderrIsTTY === true,
  });

  try {
    await program.parseAsync([...args], { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    // --help and --version end parsing with an exit code of 0.
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT_CODES.ok;
    const problem = cliProblemOf(error);
    if (jsonErrors) io.stderr(`${problemJson(problem)}\n`);
    // Without --json, commander has already printed its usage errors with a hint.
    else if (!(error instanceof CommanderError)) io.stderr(`${problemText(problem)}\n`);
    return problem.exitCode;
  }
}

/** `--json` anywhere before a `--` that ends the options. */
function jsonRequested(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
