import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { ChangeTitleCommand } from '../../application/commands/change-title';
import { CompleteTodoCommand } from '../../application/commands/complete-todo';
import { CreateTodoCommand } from '../../application/commands/create-todo';
import { DeleteTodoCommand } from '../../application/commands/delete-todo';
import { ReopenTodoCommand } from '../../application/commands/reopen-todo';
import { GetTodoAtVersionQuery } from '../../application/queries/get-todo-at-version.query';
import {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
  GetTodoHistoryQuery,
} from '../../application/queries/get-todo-history.query';
import { GetTodoQuery } from '../../application/queries/get-todo.query';
import {
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  ListTodosQuery,
} from '../../application/queries/list-todos.query';
import { parseJsonText } from '../../../shared/application/json-text';
import { toTodoView } from '../../application/todo-view';
import type { TodoHistory, TodoView } from '../../application/todo-view';
import type { TodoWriteResult } from '../../application/todo-write';

export type Buses = { commands: CommandBus; queries: QueryBus };

/** Runs `work` with the application's buses and prints its result; provided by the CLI's bootstrap. */
export type RunWithBuses = <T>(
  work: (buses: Buses) => Promise<T>,
  print: (result: T, json: boolean) => string,
) => Promise<void>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function todoId(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('it must be a UUID.');
  return value.toLowerCase();
}

function integerFrom(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`it must be an integer from ${min} to ${max}.`);
    }
    return parsed;
  };
}

/** The todo commands of the CLI: the same commands and queries as HTTP, through the same buses. */
export function registerTodoCommands(program: Command, run: RunWithBuses): void {
  program
    .command('create')
    .description('Create a todo and print it.')
    .argument('<title>', 'the title (1..200 characters)')
    .action((title: string) =>
      run(({ commands }) => commands.execute(new CreateTodoCommand(title)), printWritten),
    );

  program
    .command('rename')
    .description("Change a todo's title.")
    .argument('<id>', 'the todo id (UUID)', todoId)
    .argument('<title>', 'the new title (1..200 characters)')
    .action((id: string, title: string) =>
      run(({ commands }) => commands.execute(new ChangeTitleCommand(id, title)), printWritten),
    );

  program
    .command('complete')
    .description('Mark a todo as completed.')
    .argument('<id>', 'the todo id (UUID)', todoId)
    .action((id: string) =>
      run(({ commands }) => commands.execute(new CompleteTodoCommand(id)), printWritten),
    );

  program
    .command('reopen')
    .description('Reopen a completed todo.')
    .argument('<id>', 'the todo id (UUID)', todoId)
    .action((id: string) =>
      run(({ commands }) => commands.execute(new ReopenTodoCommand(id)), printWritten),
    );

  program
    .command('delete')
    .description('Delete a todo; its history stays readable.')
    .argument('<id>', 'the todo id (UUID)', todoId)
    .action((id: string) =>
      run(
        ({ commands }) => commands.execute(new DeleteTodoCommand(id)),
        ({ version }, json) =>
          json
            ? JSON.stringify({ id, deleted: true, version }, null, 2)
            : `Deleted todo ${id} (version ${version}).`,
      ),
    );

  program
    .command('show')
    .description('Show one todo, now or as it was at an earlier version.')
    .argument('<id>', 'the todo id (UUID)', todoId)
    .option(
      '--version <n>',
      'the state right after event number n (folded from the event log)',
      integerFrom(1, Number.MAX_SAFE_INTEGER),
    )
    .action((id: string, options: { version?: number }) =>
      run(
        ({ queries }) =>
          queries.execute(
            options.version === undefined
              ? new GetTodoQuery(id)
              : new GetTodoAtVersionQuery(id, options.version),
          ),
        printTodo,
      ),
    );

  program
    .command('history')
    .description("Show a todo's events in order, with their metadata.")
    .argument('<id>', 'the todo id (UUID)', todoId)
    .option(
      '--after <n>',
      'only events after sequence n',
      integerFrom(0, Number.MAX_SAFE_INTEGER),
      0,
    )
    .option(
      '--limit <n>',
      `how many (1..${HISTORY_LIMIT_MAX})`,
      integerFrom(1, HISTORY_LIMIT_MAX),
      HISTORY_LIMIT_DEFAULT,
    )
    .action((id: string, options: { after: number; limit: number }) =>
      run(
        ({ queries }) => queries.execute(new GetTodoHistoryQuery(id, options.after, options.limit)),
        printHistory,
      ),
    );

  program
    .command('list')
    .description('List todos, newest first.')
    .addOption(new Option('--completed', 'only completed todos').conflicts('open'))
    .addOption(new Option('--open', 'only open todos').conflicts('completed'))
    .option(
      '--limit <n>',
      `how many (1..${LIST_LIMIT_MAX})`,
      integerFrom(1, LIST_LIMIT_MAX),
      LIST_LIMIT_DEFAULT,
    )
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action((options: { completed?: boolean; open?: boolean; limit: number; cursor?: string }) => {
      const completed = options.completed ? true : options.open ? false : undefined;
      return run(
        ({ queries }) =>
          queries.execute(
            new ListTodosQuery({ completed, limit: options.limit, cursor: options.cursor }),
          ),
        (list, json) => {
          const items = parseJsonText(list.items);
          if (json) return JSON.stringify({ ...list, items }, null, 2);
          const lines = items.length === 0 ? ['No todos.'] : items.map(todoLine);
          if (list.nextCursor !== null) lines.push(`(more: --cursor ${list.nextCursor})`);
          return lines.join('\n');
        },
      );
    });
}

function printWritten({ state, version }: TodoWriteResult, json: boolean): string {
  if (state.status === 'Initial' || state.status === 'Deleted') {
    throw new Error(`A write answered with a todo that does not exist (${state.status}).`);
  }
  return printTodo(toTodoView(state, version), json);
}

function printTodo(todo: TodoView, json: boolean): string {
  if (json) return JSON.stringify(todo, null, 2);
  return [
    todoLine(todo),
    `  id:       ${todo.id}`,
    `  version:  ${todo.version}`,
    `  created:  ${todo.createdAt}`,
    `  updated:  ${todo.updatedAt}`,
  ].join('\n');
}

function printHistory(history: TodoHistory, json: boolean): string {
  if (json) return JSON.stringify(history, null, 2);
  const lines = history.items.map(
    (event) =>
      `#${event.sequence} ${event.recordedAt} ${event.type} ${JSON.stringify(event.payload)}` +
      `\n    ${JSON.stringify(event.metadata)}`,
  );
  if (history.nextAfter !== null) lines.push(`(more: --after ${history.nextAfter})`);
  return lines.join('\n');
}

function todoLine(todo: TodoView): string {
  return `[${todo.completed ? 'x' : ' '}] ${todo.title}  (${todo.id}, v${todo.version})`;
}
