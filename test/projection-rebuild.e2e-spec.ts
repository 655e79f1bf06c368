import type { NestExpressApplication } from '@nestjs/platform-express';
import { CommandBus } from '@nestjs/cqrs';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '../src/app.factory';
import { ProjectionAdmin } from '../src/event-store';
import { ChangeTitleCommand } from '../src/todo/application/commands/change-title';
import { CompleteTodoCommand } from '../src/todo/application/commands/complete-todo';
import { CreateTodoCommand } from '../src/todo/application/commands/create-todo';
import type { TodoView } from '../src/todo/application/todo-view';
import { createScratchDatabase, databaseOf } from './support/database';
import { waitFor } from './support/wait-for';
import type { TestDatabase } from './support/database';
import { runInTenantScope } from '../src/database/tenant-scope';

const TENANTS = ['rebuild-a', 'rebuild-b'] as const;

/** A small deterministic PRNG, so a failing workload can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

jest.setTimeout(60_000);

describe('projection rebuild (the whole app on a database of its own)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let app: NestExpressApplication;
  let admin: ProjectionAdmin;
  let database: TestDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase('rebuild');
    app = await createApp({
      database: { url: scratch.url, poolSize: 10, connectionTimeoutMs: 10_000, migrate: true },
      subscriptions: { pollIntervalMs: 50 },
      logger: ['error', 'fatal'],
    });
    await app.init();
    admin = app.get(ProjectionAdmin);
    database = databaseOf(app);
  });

  afterAll(async () => {
    await app?.close();
    await scratch?.drop();
  });

  /**
   * Creates, renames and completes todos at random; rule violations are part of the mix. Two
   * tenants take turns, so a rebuild must keep each row's tenant.
   */
  async function workload(seed: number, todos: number, changes: number): Promise<void> {
    await runInTenantScope({ tenant: TENANTS[seed % 2] }, () => work(seed, todos, changes));
  }

  async function work(seed: number, todos: number, changes: number): Promise<void> {
    const next = random(seed);
    const commands = app.get(CommandBus);
    const ids: string[] = [];
    for (let i = 0; i < todos; i++) {
      const created = await commands.execute(new CreateTodoCommand(`Todo ${seed}-${i}`));
      ids.push(created.newEvents[0]?.streamId ?? '');
    }
    for (let i = 0; i < changes; i++) {
      const id = ids[Math.floor(next() * ids.length)] ?? '';
      const command =
        next() < 0.7
          ? new ChangeTitleCommand(id, `Renamed ${seed}-${i}`)
          : new CompleteTodoCommand(id);
      await commands.execute(command).catch((error: { code?: string }) => {
        if (error.code !== 'TODO_ALREADY_COMPLETED') throw error;
      });
    }
  }

  /**
   * Waits until every event is below the oldest running transaction, so that a rebuild's
   * batches (not only its final catch-up) see them all.
   */
  const logSettled = () =>
    waitFor('the log to settle', async () => {
      const [row] = await database.asOwner<{ pending: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM events
           WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS pending`,
      );
      return row?.pending === false;
    });

  // Every tenant's rows, as the owner sees them.
  const readViews = () =>
    database.asOwner<Record<string, unknown>>(
      `SELECT tenant_id, id, title, completed, version, created_at, updated_at
       FROM todo_read_views ORDER BY tenant_id, id`,
    );
  const activity = async () => ({
    daily: await database.asOwner<unknown>(
      'SELECT * FROM activity_daily_counts ORDER BY tenant_id, day',
    ),
    feed: await database.asOwner<unknown>('SELECT * FROM activity_feed ORDER BY global_position'),
  });
  /** Row-level security and grants survive the swap: the rebuilt table is as protected. */
  const accessControl = (table: string) =>
    database.asOwner<Record<string, unknown>>(
      `SELECT c.relrowsecurity, c.relforcerowsecurity, c.relacl::text,
         (SELECT array_agg(policyname || ':' || qual ORDER BY policyname) FROM pg_policies p
          WHERE p.tablename = c.relname) AS policies
       FROM pg_class c WHERE c.oid = $1::regclass`,
      [table],
    );
  const indexNames = async (table: string) =>
    (
      await database.rows<{ indexname: string }>(
        'SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1',
        [table],
      )
    ).map((row) => row.indexname);

  it('rebuilds todo_read_views from the log into a table equal, row by row, to the live one', async () => {
    await workload(1, 30, 90);
    await workload(2, 10, 20);
    const live = await readViews();
    const indexes = await indexNames('todo_read_views');
    const protection = await accessControl('todo_read_views');
    expect(protection).toEqual([
      expect.objectContaining({ relrowsecurity: true, relforcerowsecurity: true }),
    ]);
    const progress: number[] = [];

    const result = await admin.rebuild('todo_read_views', {
      batchSize: 25,
      onProgress: ({ processed }) => progress.push(processed),
    });

    expect(result.resumed).toBe(false);
    expect(live.length).toBe(40);
    expect(new Set(live.map((row) => row.tenant_id))).toEqual(new Set(TENANTS));
    expect(await readViews()).toEqual(live);
    expect(await indexNames('todo_read_views')).toEqual(indexes);
    expect(await accessControl('todo_read_views')).toEqual(protection);
    expect(await accessControl('todo_tombstones')).toEqual([
      expect.objectContaining({ relrowsecurity: true, relforcerowsecurity: true }),
    ]);
    expect(progress.at(-1)).toBe(result.processed);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(
      await database.rows('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', ['rebuild_%']),
    ).toEqual([]);
  });

  it('loses nothing written while the rebuild runs, and keeps serving reads', async () => {
    const writing = workload(2, 20, 60);
    const rebuilt = admin.rebuild('todo_read_views', { batchSize: 10 });
    const served = await request(app.getHttpServer()).get('/todos?limit=5');
    await Promise.all([writing, rebuilt]);
    expect(served.status).toBe(200);

    const afterConcurrentRebuild = await readViews();
    await admin.rebuild('todo_read_views');
    expect(await readViews()).toEqual(afterConcurrentRebuild);
    // Every stream is in the read model at its last version.
    const versions = await database.asOwner<{ tenant: string; id: string; version: string }>(
      `SELECT tenant_id AS tenant, aggregate_id AS id, MAX(sequence)::text AS version
       FROM events GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(
      afterConcurrentRebuild.map((row) => ({
        tenant: row.tenant_id,
        id: row.id,
        version: row.version,
      })),
    ).toEqual(versions);
  });

  it('resumes an interrupted rebuild where it stopped', async () => {
    await logSettled();
    const live = await readViews();
    await expect(
      admin.rebuild('todo_read_views', {
        batchSize: 20,
        onProgress: ({ processed }) => {
          if (processed >= 40) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const interrupted = (await admin.status()).find((s) => s.name === 'todo_read_views');
    expect(interrupted?.rebuild?.eventsProcessed).toBe(40);

    const resumed = await admin.rebuild('todo_read_views', { batchSize: 20 });
    expect(resumed.resumed).toBe(true);
    expect(await readViews()).toEqual(live);
    expect((await admin.status()).find((s) => s.name === 'todo_read_views')?.rebuild).toBe(
      undefined,
    );
  });

  it('rebuilds the activity subscription; its worker goes on from the rebuilt checkpoint', async () => {
    await waitFor('activity to catch up', async () => {
      const status = (await admin.status()).find((s) => s.name === 'activity');
      return status?.state === 'running' && status.lag === 0;
    });
    const before = await activity();
    expect(before.feed.length).toBeGreaterThan(0);

    const protection = await accessControl('activity_feed');
    await admin.rebuild('activity', { batchSize: 50 });
    expect(await activity()).toEqual(before);
    expect(await accessControl('activity_feed')).toEqual(protection);

    const created = await request(app.getHttpServer())
      .post('/todos')
      .send({ title: 'After the rebuild' })
      .expect(201);
    const todoId = (created.body as TodoView).id;
    await waitFor('the new todo in the feed', async () => {
      const feed = await database.rows<unknown>('SELECT 1 FROM activity_feed WHERE todo_id = $1', [
        todoId,
      ]); // in the default tenant, where the request wrote it
      return feed.length === 1;
    });
    expect((await activity()).feed).toHaveLength(before.feed.length + 1);
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    // Another process rebuilding holds this session lock (key: rebuild, projection name).
    const other = new Client({ connectionString: scratch.url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(741003, hashtext('todo_read_views'))`);
      await expect(admin.rebuild('todo_read_views')).rejects.toMatchObject({
        code: 'PROJECTION_REBUILD_IN_PROGRESS',
      });
    } finally {
      await other.end();
    }
    await expect(admin.rebuild('todo_read_views')).resolves.toMatchObject({ resumed: false });
  });

  it('refuses unknown projections', async () => {
    await expect(admin.rebuild('nope')).rejects.toMatchObject({
      code: 'PROJECTION_NOT_FOUND',
    });
  });
});
