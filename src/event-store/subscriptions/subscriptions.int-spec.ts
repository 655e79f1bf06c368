import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, testDatabaseUrl } from '../../../test/support/database';
import { pause, waitFor } from '../../../test/support/wait-for';
import { InlineProjectionRegistry } from '../core/inline-projection';
import type { SqlTransaction } from '../core/inline-projection';
import { PostgresEventStore } from '../core/postgres-event-store';
import { ProjectionAdmin } from '../projections/projection-admin';
import { SubscriptionRegistry } from './subscription';
import type { EventSubscription, PositionedEvent } from './subscription';
import { NOTIFY_LOCK } from './advisory-locks';
import { DEFAULT_SUBSCRIPTION_OPTIONS } from './subscription-options';
import { SubscriptionWorker } from './subscription-worker';
import { UpcasterRegistry } from '../core/upcaster';
import type { TestDatabase } from '../../../test/support/database';
import { TENANT_SETTING, WORKER_ROLE } from '../../database/tenancy';
import { runInTenantScope } from '../../database/tenant-scope';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const options = {
  ...DEFAULT_SUBSCRIPTION_OPTIONS,
  pollIntervalMs: 50,
  batchSize: 10,
  maxAttempts: 3,
  retryBaseMs: 10,
};

jest.setTimeout(60_000);

describe('subscriptions', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  const upcasters = new UpcasterRegistry();
  const workers: SubscriptionWorker[] = [];
  const backendPids = new Map<SubscriptionWorker, number>();

  beforeAll(async () => {
    database = await openDatabase();
    store = new PostgresEventStore(database, new InlineProjectionRegistry(), upcasters);
    await database.define(
      'test_subscription_effects',
      'CREATE TABLE IF NOT EXISTS test_subscription_effects (subscription TEXT, position BIGINT, n INT, instance TEXT)',
    );
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await database.close();
  });

  const unique = () => randomBytes(5).toString('hex');

  function startWorker(
    subscription: EventSubscription,
    workerOptions = options,
  ): SubscriptionWorker {
    const worker: SubscriptionWorker = new SubscriptionWorker(
      subscription,
      async () => {
        // As the service's workers connect: in the worker role.
        const client = new Client({
          connectionString: testDatabaseUrl(),
          options: `-c role=${WORKER_ROLE}`,
        });
        await client.connect();
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        backendPids.set(worker, rows[0]?.pid ?? 0);
        return client;
      },
      upcasters,
      workerOptions,
      quiet,
    );
    workers.push(worker);
    worker.start();
    return worker;
  }

  /** A subscription that records each event it handles in the effects table (in its transaction). */
  function recording(
    name: string,
    type: string,
    instance = 'one',
    fail?: (event: PositionedEvent) => boolean,
  ): EventSubscription {
    return {
      name,
      eventTypes: [type],
      handle: async (tx: SqlTransaction, events: readonly PositionedEvent[]) => {
        for (const event of events) {
          await tx.query('INSERT INTO test_subscription_effects VALUES ($1, $2, $3, $4)', [
            name,
            event.globalPosition,
            event.data.n,
            instance,
          ]);
          if (fail?.(event)) throw new Error(`handler refused n=${String(event.data.n)}`);
        }
      },
    };
  }

  const effects = (name: string) =>
    database.rows<{ n: number; position: string; instance: string }>(
      'SELECT n, position, instance FROM test_subscription_effects WHERE subscription = $1 ORDER BY position',
      [name],
    );

  const appendOne = (type: string, n: number) =>
    store.append(randomUUID(), 0, [{ type, data: { n } }], { streamType: 'test' });

  describe('without polling (one poll a minute), woken by notifications alone', () => {
    const slowPolling = { ...options, pollIntervalMs: 60_000 };

    it('delivers a burst of concurrent appends, of which only the first notifies', async () => {
      const type = `Burst_${unique()}`;
      const seen = new Set<unknown>();
      startWorker(
        {
          name: `burst_${unique()}`,
          eventTypes: [type],
          handle: (_tx, events) => {
            for (const event of events) seen.add(event.data.n);
            return Promise.resolve();
          },
        },
        slowPolling,
      );
      await pause(200); // the worker is listening
      await Promise.all(Array.from({ length: 30 }, (_, n) => appendOne(type, n)));
      await waitFor('all 30 events, long before the next poll', () => seen.size === 30, 30_000);
    });

    it('delivers an append that committed without notifying, because another writer held the notify lock', async () => {
      const type = `Silent_${unique()}`;
      const seen: unknown[] = [];
      startWorker(
        {
          name: `silent_${unique()}`,
          eventTypes: [type],
          handle: (_tx, events) => {
            seen.push(...events.map((event) => event.data.n));
            return Promise.resolve();
          },
        },
        slowPolling,
      );
      await pause(200);
      await appendOne(type, 1);
      await waitFor('the notified event', () => seen.length === 1, 30_000);

      // A concurrent writer that has notified (or is about to) holds the lock until it ends.
      const other = new Client({ connectionString: testDatabaseUrl() });
      await other.connect();
      try {
        const { rows } = await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await other.query('BEGIN');
        await other.query('SELECT pg_advisory_xact_lock($1)', [NOTIFY_LOCK]);
        await appendOne(type, 2);
        // Only the other writer's hold counts: appenders of other tests (or other databases on
        // the same server) take the same lock for a moment.
        const holders = await database.rows<{ count: string }>(
          `SELECT count(*) FROM pg_locks
           WHERE locktype = 'advisory' AND objid = $1 AND granted AND pid = $2`,
          [NOTIFY_LOCK, rows[0]?.pid],
        );
        expect(holders[0]?.count).toBe('1');
        await waitFor(
          'the silent event, long before the next poll',
          () => seen.length === 2,
          30_000,
        );
        expect(seen).toEqual([1, 2]);
      } finally {
        await other.query('ROLLBACK');
        await other.end();
      }
    });
  });

  it('hands a subscription with stream types only the events of streams of those types', async () => {
    const type = `Typed_${unique()}`;
    const seen: { n: unknown; streamType: string }[] = [];
    startWorker({
      name: `typed_${unique()}`,
      eventTypes: [type],
      streamTypes: ['wanted'],
      handle: (_tx, events) => {
        for (const event of events) seen.push({ n: event.data.n, streamType: event.streamType });
        return Promise.resolve();
      },
    });
    for (const [n, streamType] of [
      [1, 'wanted'],
      [2, 'other'],
      [3, 'wanted'],
    ] as const) {
      await store.append(randomUUID(), 0, [{ type, data: { n } }], { streamType });
    }
    await waitFor('both events of wanted streams', () => seen.length >= 2);
    await pause(300); // a few more polls: the other stream's event must not follow
    expect(seen).toEqual([
      { n: 1, streamType: 'wanted' },
      { n: 3, streamType: 'wanted' },
    ]);
  });

  it('never passes an event whose transaction is still open, and delivers it in order after the commit', async () => {
    const type = `Gap_${unique()}`;
    const seen: { n: unknown; position: number }[] = [];
    startWorker({
      name: `gap_${unique()}`,
      eventTypes: [type],
      handle: (_tx, events) => {
        seen.push(...events.map((e) => ({ n: e.data.n, position: e.globalPosition })));
        return Promise.resolve();
      },
    });
    await appendOne(type, -1);
    await waitFor('the first event', () => seen.length === 1);

    // A writer takes its position, then stays open while later writers commit.
    const slow = new Client({ connectionString: testDatabaseUrl() });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT set_config('${TENANT_SETTING}', 'default', true)`);
      await slow.query(
        `INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload) VALUES ($1, 1, 'test', $2, '{"n":0}')`,
        [randomUUID(), type],
      );
      for (const n of [1, 2, 3]) await appendOne(type, n);

      await pause(400); // several polls and notifications
      expect(seen.map((e) => e.n)).toEqual([-1]);
      const positions = await database.rows<{ n: number; position: string }>(
        `SELECT (payload->>'n')::int AS n, global_position AS position FROM events
         WHERE event_type = $1 ORDER BY global_position`,
        [type],
      );
      // The open event holds a lower position than the committed ones: a reader going by
      // position alone would have moved past it and never come back.
      expect(positions.map((p) => p.n)).toEqual([-1, 1, 2, 3]);

      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    await waitFor('all events', () => seen.length === 5);
    expect(seen.map((e) => e.n)).toEqual([-1, 0, 1, 2, 3]);
    expect(seen[1]?.position).toBeLessThan(seen[2]?.position ?? 0);
  });

  it("commits the checkpoint with the handler's writes: a failed attempt leaves no effect behind", async () => {
    const type = `Once_${unique()}`;
    const name = `once_${unique()}`;
    let failuresLeft = 2;
    startWorker(recording(name, type, 'one', (event) => event.data.n === 3 && failuresLeft-- > 0));
    for (let n = 1; n <= 6; n++) await appendOne(type, n);

    await waitFor('six effects', async () => (await effects(name)).length >= 6);
    await pause(200);
    expect(failuresLeft).toBeLessThan(1); // both failing attempts happened
    expect((await effects(name)).map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6]);
    const [checkpoint] = await database.rows<{ global_position: string; status: string }>(
      'SELECT global_position, status FROM projection_checkpoints WHERE name = $1',
      [name],
    );
    expect(checkpoint?.status).toBe('running');
  });

  it('parks an event that keeps failing, stops only that subscription, and resumes on request', async () => {
    const type = `Poison_${unique()}`;
    const broken = `broken_${unique()}`;
    const healthy = `healthy_${unique()}`;
    const subscriptions = new SubscriptionRegistry();
    const poisoned = recording(broken, type, 'one', (event) => event.data.n === 2);
    subscriptions.register(poisoned);
    startWorker(poisoned);
    startWorker(recording(healthy, type));
    // The poison belongs to a tenant of its own: its dead letter must carry that tenant.
    const tenant = `t-${unique()}`;
    await runInTenantScope({ tenant }, async () => {
      for (let n = 1; n <= 3; n++) await appendOne(type, n);
    });

    const admin = new ProjectionAdmin(
      database,
      new InlineProjectionRegistry(),
      subscriptions,
      upcasters,
    );
    const status = await waitFor('the subscription to park', async () => {
      const found = (await admin.status()).find((s) => s.name === broken);
      return found?.state === 'parked' ? found : undefined;
    });
    expect(status).toMatchObject({ kind: 'subscription', deadLetters: 1 });
    expect(status.lag).toBeGreaterThan(0);
    const [letter] = await admin.deadLetters(broken);
    expect(letter).toMatchObject({ eventType: type, attempts: 3, tenant });
    const [row] = await database.asOwner<{ tenant_id: string }>(
      'SELECT tenant_id FROM projection_dead_letters WHERE projection = $1',
      [broken],
    );
    expect(row?.tenant_id).toBe(tenant);
    expect(letter?.error).toContain('handler refused n=2');

    // Events before the poison took effect even though they shared its first batch.
    expect((await effects(broken)).map((e) => e.n)).toEqual([1]);
    await waitFor('the healthy subscription', async () => (await effects(healthy)).length === 3);

    await admin.resume(broken, { skip: true });
    await waitFor('the broken subscription to move past the poison', async () =>
      (await effects(broken)).some((e) => e.n === 3),
    );
    expect((await effects(broken)).map((e) => e.n)).toEqual([1, 3]);
    await expect(admin.resume(broken)).rejects.toMatchObject({ code: 'PROJECTION_NOT_PARKED' });
    expect(await admin.deadLetters(broken)).toEqual([]);
  });

  it('runs a subscription in one instance at a time; another takes over when that one dies', async () => {
    const type = `Leader_${unique()}`;
    const name = `leader_${unique()}`;
    const first = startWorker(recording(name, type, 'first'));
    await appendOne(type, 1);
    await waitFor('the first event', async () => (await effects(name)).length === 1);
    const second = startWorker(recording(name, type, 'second'));
    for (let n = 2; n <= 5; n++) await appendOne(type, n);
    await waitFor('five effects', async () => (await effects(name)).length >= 5);
    await pause(200);
    expect(new Set((await effects(name)).map((e) => e.instance))).toEqual(new Set(['first']));

    // The leader's connection dies (as when its process is killed): its lock goes with it.
    await database.asOwner('SELECT pg_terminate_backend($1)', [backendPids.get(first)]);
    await first.stop();
    for (let n = 6; n <= 8; n++) await appendOne(type, n);
    await waitFor('the standby to take over', async () => (await effects(name)).length >= 8);
    await pause(200);
    const all = await effects(name);
    expect(all.map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(all.slice(5).every((e) => e.instance === 'second')).toBe(true);
    await second.stop();
  });
});
