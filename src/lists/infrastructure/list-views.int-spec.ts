import { randomUUID } from 'node:crypto';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { startTestApp } from '../../../test/support/app';
import { createScratchDatabase, databaseOf, testDatabaseUrl } from '../../../test/support/database';
import type { TestDatabase } from '../../../test/support/database';
import { pause, waitFor } from '../../../test/support/wait-for';
import { rolledBackTransaction } from '../../../test/support/rolled-back-transaction';
import { TENANT_SETTING, WORKER_ROLE } from '../../database/tenancy';
import { runInTenantScope } from '../../database/tenant-scope';
import { ProjectionAdmin } from '../../event-store';
import type { PositionedEvent, SqlTransaction, SubscriptionRegistry } from '../../event-store';
import { ChangeTitleCommand } from '../../todo/application/commands/change-title';
import { CompleteTodoCommand } from '../../todo/application/commands/complete-todo';
import { CreateTodoCommand } from '../../todo/application/commands/create-todo';
import { DeleteTodoCommand } from '../../todo/application/commands/delete-todo';
import { ReopenTodoCommand } from '../../todo/application/commands/reopen-todo';
import { AddTodoToListCommand } from '../application/commands/add-todo-to-list';
import { ArchiveListCommand } from '../application/commands/archive-list';
import { CreateListCommand } from '../application/commands/create-list';
import { RemoveTodoFromListCommand } from '../application/commands/remove-todo-from-list';
import { RenameListCommand } from '../application/commands/rename-list';
import { GetListQuery } from '../application/queries/get-list';
import type { ConsumedTodoEvent } from '../application/todo-events.contract';
import { TodoCardsSubscription } from './todo-cards.subscription';

jest.setTimeout(120_000);

describe('lists_todos subscription: one statement per batch', () => {
  let tx: SqlTransaction;
  const subscription = new TodoCardsSubscription({} as SubscriptionRegistry);

  beforeAll(async () => (await startTestApp()).close());

  let end: () => Promise<void>;

  beforeEach(async () => {
    ({ tx, end } = await rolledBackTransaction());
    // As the subscription runs: the worker role, under the tenant of the events (a fresh one).
    await tx.query(`SET LOCAL ROLE ${WORKER_ROLE}`);
    await tx.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenant]);
  });

  // Each test sees only its own rows: nothing it writes outlives it.
  afterEach(() => end());

  const tenant = `lists-${randomUUID()}`;
  let position = 8_000_000_000;
  const event = (
    streamId: string,
    sequence: number,
    data: ConsumedTodoEvent,
  ): PositionedEvent<ConsumedTodoEvent> => ({
    ...data,
    streamId,
    streamType: 'todo',
    tenantId: tenant,
    sequence,
    eventId: randomUUID(),
    metadata: {},
    recordedAt: new Date(),
    globalPosition: ++position,
    transactionId: '1',
    schemaVersion: 1,
  });

  const cards = async (ids: string[]) =>
    (
      await tx.query<{ todo_id: string; title: string; completed: boolean; deleted: boolean }>(
        `SELECT todo_id, title, completed, deleted, version::int AS version
         FROM lists_todo_cards WHERE todo_id = ANY($1::uuid[]) ORDER BY version, title`,
        [ids],
      )
    ).rows;

  it('folds a batch per todo, and a batch handled again moves nothing back', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const first = [
      event(a, 1, { type: 'TodoCreated', data: { title: 'A' } }),
      event(b, 1, { type: 'TodoCreated', data: { title: 'B' } }),
      event(a, 2, { type: 'TodoTitleChanged', data: { title: 'A2' } }),
      event(a, 3, { type: 'TodoCompleted', data: {} }),
    ];
    await subscription.handle(tx, first);
    await subscription.handle(tx, [
      event(b, 2, { type: 'TodoCompleted', data: {} }),
      event(b, 3, { type: 'TodoReopened', data: {} }),
      event(b, 4, { type: 'TodoDeleted', data: {} }),
    ]);
    await subscription.handle(tx, first);
    expect(await cards([a, b])).toEqual([
      { todo_id: a, title: 'A2', completed: true, deleted: false, version: 3 },
      { todo_id: b, title: 'B', completed: false, deleted: true, version: 4 },
    ]);
  });
});

describe('list views over list and todo streams (the whole app)', () => {
  let app: NestExpressApplication;
  let commands: CommandBus;
  let queries: QueryBus;

  beforeAll(async () => {
    app = await startTestApp({ subscriptions: { pollIntervalMs: 50 } });
    commands = app.get(CommandBus);
    queries = app.get(QueryBus);
  });

  afterAll(() => app.close());

  it('never skips a todo event whose transaction was still open, and shows it once committed', async () => {
    const tenant = `lists-gap-${randomUUID()}`;
    await runInTenantScope({ tenant }, async () => {
      const held = (await commands.execute(new CreateTodoCommand('held back'))).state;
      const other = (await commands.execute(new CreateTodoCommand('other'))).state;
      if (held.status === 'Initial' || other.status === 'Initial') throw new Error('not created');
      const list = {
        id: (await commands.execute(new CreateListCommand('Gap'))).newEvents[0]!.streamId,
      };
      await commands.execute(new AddTodoToListCommand(list.id, held.id));
      await commands.execute(new AddTodoToListCommand(list.id, other.id));

      // A todo writer takes its log position, then stays open while a later one commits.
      const slow = new Client({ connectionString: testDatabaseUrl() });
      await slow.connect();
      try {
        await slow.query('BEGIN');
        await slow.query(
          `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload)
         VALUES ($3, $1, 2, 'todo', 'TodoTitleChanged', $2)`,
          [
            held.id,
            { todoId: held.id, title: 'written while held', changedAt: held.createdAt },
            tenant,
          ],
        );
        await commands.execute(new CompleteTodoCommand(other.id));
        await pause(500); // many polls and notifications
        const during = await queries.execute(new GetListQuery(list.id));
        // Gap-safe: the later commit waits behind the open one instead of passing it.
        expect(during.todos).toEqual([
          { id: held.id, title: 'held back', completed: false },
          { id: other.id, title: 'other', completed: false },
        ]);
        await slow.query('COMMIT');
      } finally {
        await slow.end();
      }
      const after = await waitFor('both todo events in the list', async () => {
        const view = await queries.execute(new GetListQuery(list.id));
        return view.counts.completed === 1 ? view : undefined;
      });
      expect(after.todos).toEqual([
        { id: held.id, title: 'written while held', completed: false },
        { id: other.id, title: 'other', completed: true },
      ]);
    });
  });
});

describe('list views rebuilt with projections rebuild (a database of its own)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;
  let database: TestDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase('lists_rebuild');
    app = await startTestApp({
      database: { url: scratch.url, poolSize: 10, connectionTimeoutMs: 10_000, migrate: true },
      subscriptions: { pollIntervalMs: 50 },
    });
    database = databaseOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  const snapshot = async () => ({
    views: await database.asOwner(
      'SELECT tenant_id, id, name, archived, version, created_at, updated_at FROM lists_views ORDER BY id',
    ),
    items: await database.asOwner('SELECT * FROM lists_items ORDER BY list_id, position'),
    cards: await database.asOwner('SELECT * FROM lists_todo_cards ORDER BY todo_id'),
  });

  it('rebuilds lists and lists_todos into tables equal to the live ones', async () => {
    await runInTenantScope({ tenant: 'lists-rebuild' }, () => workload());
  });

  async function workload(): Promise<void> {
    const commands = app.get(CommandBus);
    const todos: string[] = [];
    for (let i = 0; i < 12; i++) {
      todos.push(
        (await commands.execute(new CreateTodoCommand(`todo ${i}`))).newEvents[0]!.streamId,
      );
    }
    const lists: string[] = [];
    for (let i = 0; i < 3; i++)
      lists.push(
        (await commands.execute(new CreateListCommand(`list ${i}`))).newEvents[0]!.streamId,
      );
    for (const [i, todo] of todos.entries()) {
      await commands.execute(new AddTodoToListCommand(lists[i % 3]!, todo));
      await commands.execute(new AddTodoToListCommand(lists[(i + 1) % 3]!, todo));
    }
    await commands.execute(new RenameListCommand(lists[0]!, 'renamed'));
    await commands.execute(new RemoveTodoFromListCommand(lists[1]!, todos[1]!));
    await commands.execute(new ChangeTitleCommand(todos[2]!, 'retitled'));
    await commands.execute(new CompleteTodoCommand(todos[3]!));
    await commands.execute(new CompleteTodoCommand(todos[4]!));
    await commands.execute(new ReopenTodoCommand(todos[4]!));
    await commands.execute(new DeleteTodoCommand(todos[5]!));
    await commands.execute(new ArchiveListCommand(lists[2]!, false));

    await waitFor('the cards to catch up', async () => {
      const [row] = await database.asOwner<{ done: boolean }>(
        `SELECT global_position >= (SELECT max(global_position) FROM events WHERE stream_type = 'todo')
           AS done
         FROM projection_checkpoints WHERE name = 'lists_todos'`,
      );
      return row?.done === true;
    });
    const live = await snapshot();
    expect(live.views).toHaveLength(3);
    expect(live.cards).toHaveLength(12);

    const admin = app.get(ProjectionAdmin);
    await admin.rebuild('lists', { batchSize: 7 });
    await admin.rebuild('lists_todos', { batchSize: 7 });
    expect(await snapshot()).toEqual(live);
  }
});
