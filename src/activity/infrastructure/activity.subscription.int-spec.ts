import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, testDatabaseUrl } from '../../../test/support/database';
import type { PositionedEvent, SqlTransaction, SubscriptionRegistry } from '../../event-store';
import { TENANT_SETTING, WORKER_ROLE } from '../../database/tenancy';
import type { ConsumedTodoEvent } from '../application/todo-events.contract';
import { ActivitySubscription } from './activity.subscription';

describe('ActivitySubscription (one statement per batch)', () => {
  // A plain connection whose transaction spans a test and is rolled back after it.
  let runner: Client;
  let tx: SqlTransaction;
  const subscription = new ActivitySubscription({} as SubscriptionRegistry);

  // Migrated as the service does it.
  beforeAll(async () => (await openDatabase()).close());

  beforeEach(async () => {
    runner = new Client({ connectionString: testDatabaseUrl() });
    await runner.connect();
    await runner.query('BEGIN');
    // As the subscription runs: the worker role, under the tenant of the events (a fresh one).
    await runner.query(`SET LOCAL ROLE ${WORKER_ROLE}`);
    await runner.query(`SELECT set_config('${TENANT_SETTING}', $1, true)`, [tenant]);
    tx = {
      query: async <Row>(sql: string | { text: string }, parameters?: readonly unknown[]) => {
        const text = typeof sql === 'string' ? sql : sql.text;
        const result = await runner.query<Row & Record<string, unknown>>(text, [
          ...(parameters ?? []),
        ]);
        return { rows: result.rows, rowCount: result.rowCount ?? 0 };
      },
    };
  });

  afterEach(async () => {
    // Each test sees only its own rows: nothing it writes outlives it.
    await runner.query('ROLLBACK');
    await runner.end();
  });

  const tenant = `activity-${randomUUID()}`;
  let position = 9_000_000_000;
  function event(
    data: ConsumedTodoEvent,
    streamId = randomUUID(),
  ): PositionedEvent<ConsumedTodoEvent> {
    position += 1;
    return {
      ...data,
      tenantId: tenant,
      streamId,
      streamType: 'todo',
      sequence: 1,
      eventId: randomUUID(),
      metadata: {},
      recordedAt: new Date(),
      globalPosition: position,
      transactionId: '1',
      schemaVersion: 1,
    };
  }

  const days = (from: string, to: string) =>
    tx
      .query<{ day: string; created: number; completed: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, created, completed FROM activity_daily_counts
         WHERE day BETWEEN $1 AND $2 ORDER BY day`,
        [from, to],
      )
      .then((result) => result.rows);

  it('given a batch over two days, when handled, then the feed has a row per event and each day its sums', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const batch = [
      event(
        {
          type: 'TodoCreated',
          data: { todoId: a, title: 'A', createdAt: '2001-02-03T23:59:59.000Z' },
        },
        a,
      ),
      event(
        {
          type: 'TodoCreated',
          data: { todoId: b, title: 'B', createdAt: '2001-02-03T08:00:00.000Z' },
        },
        b,
      ),
      event(
        {
          type: 'TodoTitleChanged',
          data: { todoId: a, title: 'A2', changedAt: '2001-02-04T00:00:00.000Z' },
        },
        a,
      ),
      event(
        { type: 'TodoCompleted', data: { todoId: a, completedAt: '2001-02-04T00:00:01.000Z' } },
        a,
      ),
      event(
        { type: 'TodoCompleted', data: { todoId: b, completedAt: '2001-02-04T10:00:00.000Z' } },
        b,
      ),
    ];

    await subscription.handle(tx, batch);

    expect(await days('2001-02-01', '2001-02-28')).toEqual([
      { day: '2001-02-03', created: 2, completed: 0 },
      { day: '2001-02-04', created: 0, completed: 2 },
    ]);
    const feed = await tx.query<{
      position: string;
      todo_id: string;
      change: string;
      title: string | null;
    }>(
      `SELECT global_position AS position, todo_id, change, title FROM activity_feed
       WHERE global_position = ANY($1::bigint[]) ORDER BY global_position`,
      [batch.map((e) => e.globalPosition)],
    );
    expect(feed.rows.map((row) => [row.todo_id, row.change, row.title])).toEqual([
      [a, 'created', 'A'],
      [b, 'created', 'B'],
      [a, 'renamed', 'A2'],
      [a, 'completed', null],
      [b, 'completed', null],
    ]);
  });

  it('given counts for a day, when a later batch adds to it, then the counts grow', async () => {
    const created = (at: string) => {
      const id = randomUUID();
      return event({ type: 'TodoCreated', data: { todoId: id, title: 'x', createdAt: at } }, id);
    };
    await subscription.handle(tx, [created('2001-03-05T01:00:00.000Z')]);
    await subscription.handle(tx, [
      created('2001-03-05T02:00:00.000Z'),
      created('2001-03-05T03:00:00.000Z'),
    ]);

    expect(await days('2001-03-05', '2001-03-05')).toEqual([
      { day: '2001-03-05', created: 3, completed: 0 },
    ]);
  });

  it('given an event without its time, when handled, then the whole batch fails and writes nothing', async () => {
    const id = randomUUID();
    const broken = event(
      { type: 'TodoCompleted', data: { todoId: id } } as unknown as ConsumedTodoEvent,
      id,
    );
    await runner.query('SAVEPOINT before_batch');
    await expect(
      subscription.handle(tx, [
        event(
          {
            type: 'TodoCreated',
            data: { todoId: id, title: 'x', createdAt: '2001-04-01T00:00:00.000Z' },
          },
          id,
        ),
        broken,
      ]),
    ).rejects.toThrow(/null value/);
    await runner.query('ROLLBACK TO SAVEPOINT before_batch');
    expect(await days('2001-04-01', '2001-04-01')).toEqual([]);
  });
});
