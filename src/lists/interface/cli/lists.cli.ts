import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { RunWithBuses } from '../../../todo/interface/cli/todo.cli';
import { AddTodoToListCommand } from '../../application/commands/add-todo-to-list';
import { ArchiveListCommand } from '../../application/commands/archive-list';
import { CreateListCommand } from '../../application/commands/create-list';
import { RemoveTodoFromListCommand } from '../../application/commands/remove-todo-from-list';
import { RenameListCommand } from '../../application/commands/rename-list';
import { GetListQuery } from '../../application/queries/get-list';
import {
  LISTS_LIMIT_DEFAULT,
  LISTS_LIMIT_MAX,
  ListListsQuery,
} from '../../application/queries/list-lists';
import type { ListPage, ListSummary, ListView } from '../../application/list-view';
import { ShowWrittenListQuery } from '../../application/queries/show-written-list';
import type { ListWriteResult } from '../../application/list-write';
import type { Buses } from '../../../todo/interface/cli/todo.cli';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('it must be a UUID.');
  return value.toLowerCase();
}

function limit(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > LISTS_LIMIT_MAX) {
    throw new InvalidArgumentError(`it must be an integer from 1 to ${LISTS_LIMIT_MAX}.`);
  }
  return parsed;
}

/**
 * `lists create|rename|add|remove|archive|show|list`: the same commands and queries as
 * `/lists`, through the same buses.
 */
export function registerListCommands(program: Command, run: RunWithBuses): void {
  const lists = program.command('lists').description('Manage todo lists.');
  // A write prints the list it left, as HTTP answers it.
  const write = (send: (buses: Buses) => Promise<ListWriteResult>) =>
    run(async (buses) => {
      const result = await send(buses);
      return buses.queries.execute(new ShowWrittenListQuery(result));
    }, printList);

  lists
    .command('create')
    .description('Create an empty list and print it.')
    .argument('<name>', 'the name (1..100 characters)')
    .action((name: string) =>
      write(({ commands }) => commands.execute(new CreateListCommand(name))),
    );

  lists
    .command('rename')
    .description('Rename a list.')
    .argument('<id>', 'the list id (UUID)', uuid)
    .argument('<name>', 'the new name (1..100 characters)')
    .action((id: string, name: string) =>
      write(({ commands }) => commands.execute(new RenameListCommand(id, name))),
    );

  lists
    .command('add')
    .description('Add a todo at the end of a list (adding it again changes nothing).')
    .argument('<id>', 'the list id (UUID)', uuid)
    .argument('<todo-id>', 'the todo id (UUID); the todo must exist', uuid)
    .action((id: string, todoId: string) =>
      write(({ commands }) => commands.execute(new AddTodoToListCommand(id, todoId))),
    );

  lists
    .command('remove')
    .description('Remove a todo from a list; the todo itself stays.')
    .argument('<id>', 'the list id (UUID)', uuid)
    .argument('<todo-id>', 'the todo id (UUID)', uuid)
    .action((id: string, todoId: string) =>
      write(({ commands }) => commands.execute(new RemoveTodoFromListCommand(id, todoId))),
    );

  lists
    .command('archive')
    .description('Archive a list: it takes no more changes.')
    .argument('<id>', 'the list id (UUID)', uuid)
    .option(
      '--complete-open-todos',
      'then complete every open todo of the list (done by the running service, shortly after)',
    )
    .action((id: string, options: { completeOpenTodos?: boolean }) =>
      write(({ commands }) =>
        commands.execute(new ArchiveListCommand(id, options.completeOpenTodos === true)),
      ),
    );

  lists
    .command('show')
    .description('Show a list with its todos.')
    .argument('<id>', 'the list id (UUID)', uuid)
    .action((id: string) => run(({ queries }) => queries.execute(new GetListQuery(id)), printList));

  lists
    .command('list')
    .description('List lists, newest first.')
    .addOption(new Option('--archived', 'only archived lists').conflicts('active'))
    .addOption(new Option('--active', 'only lists not archived').conflicts('archived'))
    .option(`--limit <n>`, `how many (1..${LISTS_LIMIT_MAX})`, limit, LISTS_LIMIT_DEFAULT)
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .action((options: { archived?: boolean; active?: boolean; limit: number; cursor?: string }) => {
      const archived = options.archived ? true : options.active ? false : undefined;
      return run(
        ({ queries }) =>
          queries.execute(
            new ListListsQuery({ archived, limit: options.limit, cursor: options.cursor }),
          ),
        printPage,
      );
    });
}

function printList(list: ListView, json: boolean): string {
  if (json) return JSON.stringify(list, null, 2);
  return [
    summaryLine(list),
    ...list.todos.map((todo) => `  [${todo.completed ? 'x' : ' '}] ${todo.title}  (${todo.id})`),
  ].join('\n');
}

function printPage(page: ListPage, json: boolean): string {
  if (json) return JSON.stringify(page, null, 2);
  const lines = page.items.length === 0 ? ['No lists.'] : page.items.map(summaryLine);
  if (page.nextCursor !== null) lines.push(`(more: --cursor ${page.nextCursor})`);
  return lines.join('\n');
}

function summaryLine(list: ListSummary): string {
  const state = list.archived ? ', archived' : '';
  return (
    `${list.name}  (${list.id}, v${list.version}${state}) ` +
    `${list.counts.completed}/${list.counts.total} done`
  );
}
