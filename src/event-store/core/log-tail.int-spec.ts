import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, testDatabaseUrl } from '../../../test/support/database';
import { waitFor } from '../../../test/support/wait-for';
import type { TestDatabase } from '../../../test/support/database';
import { TENANT_SETTING } from '../../database/tenancy';
import { runInTenantScope } from '../../database/tenant-scope';
import { EventLog } from './event-log';
import { InlineProjectionRegistry } from './inline-projection';
import { LogTail } from './log-tail';
import type { TailQuery } from './log-tail';
import { PostgresEventStore } from './postgres-event-store';
import { UpcasterRegistry } from './upcaster';

jest.setTimeout(60_000);

describe('LogTail: one read of the log for every reader near its end', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let tail: LogTail;
  let log: EventLog;
  let plain: EventLog;
  const upcasters = new UpcasterRegistry();

  beforeAll(async () => {
    database = await openDatabase();
    store = new PostgresEventStore(database, new InlineProjectionRegistry(), upcasters);
    const options = {
      url: testDatabaseUrl(),
      poolSize: 1,
      connectionTimeoutMs: 5000,
      migrate: false,
    };
    tail = new LogTail(options, upcasters);
    log = new EventLog(database, upcasters, tail);
    plain = new EventLog(database, upcasters);
  });

  afterAll(async () => {
    await tail.beforeApplicationShutdown();
    await database.close();
  });

  const type = () => `Tail_${randomBytes(5).toString('hex')}`;
  const append = (eventType: string, n: number, tenant = 'default') =>
    runInTenantScope({ tenant }, () =>
      store.append(randomUUID(), 0, [{ type: eventType, data: { n } }], { streamType: 'test' }),
    );
  /**
   * Reads until `count` events came (a transaction of another test on the same server may hold
   * the horizon back for a moment, for the tail as for the database).
   */
  const readUntil = (query: TailQuery, count: number) =>
    waitFor(`${count} events`, async () => {
      const events = await tail.read(query);
      return events !== undefined && events.length >= count && events;
    });
  const ns = (events: readonly { data: Record<string, unknown> }[] | undefined) =>
    events?.map((event) => event.data.n);

  const positionOf = async (eventType: string) => {
    // As the worker role: the event may be another tenant's.
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ position: string }>(
        'SELECT global_position AS position FROM events WHERE event_type = $1',
        [eventType],
      );
      return Number(rows[0]?.position);
    } finally {
      await client.end();
    }
  };

  /**
   * Appends a marker event and waits until the tail holds it: a reader after it is in the
   * window. (Other tests append to the same log meanwhile, so its end is no fixed place.)
   */
  const marker = async (tenant = 'default') => {
    await tail.read({ after: 0, limit: 1 }); // starts the tail where the log ends
    const mark = type();
    await append(mark, 0, tenant);
    const position = await positionOf(mark);
    await waitFor(
      'the tail to hold the marker',
      async () =>
        (await tail.read({ after: position, limit: 1, eventTypes: [mark] })) !== undefined,
    );
    return position;
  };

  it('answers a reader at the end of the log from memory, as the database would', async () => {
    const mine = type();
    const start = await marker();
    for (const n of [1, 2, 3]) await append(mine, n);

    const query = { after: start, limit: 100, eventTypes: [mine], acrossTenants: true };
    const fromTail = await readUntil(query, 3);
    const fromDatabase = await plain.read(query);
    expect(ns(fromTail)).toEqual([1, 2, 3]);
    expect(fromTail?.map((e) => e.globalPosition)).toEqual(
      fromDatabase?.map((e) => e.globalPosition),
    );
    // The reader resumes after the last event it got, and is answered from memory again.
    const last = fromTail?.at(-1)?.globalPosition ?? 0;
    await append(mine, 4);
    expect(ns(await readUntil({ after: last, limit: 100, eventTypes: [mine] }, 1))).toEqual([4]);
  });

  it('never passes an event whose transaction is still open, and gives it in order after the commit', async () => {
    const mine = type();
    const after = await marker();
    expect(ns(await tail.read({ after, limit: 100, eventTypes: [mine] }))).toEqual([]);

    const slow = new Client({ connectionString: testDatabaseUrl() });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`SELECT set_config('${TENANT_SETTING}', 'default', true)`);
      await slow.query(
        `INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload) VALUES ($1, 1, 'test', $2, '{"n":0}')`,
        [randomUUID(), mine],
      );
      for (const n of [1, 2, 3]) await append(mine, n);
      // Read again and again while the lower position is open: nothing after it is given.
      for (let round = 0; round < 5; round++) {
        expect(ns(await tail.read({ after, limit: 100, eventTypes: [mine] }))).toEqual([]);
      }
      await slow.query('COMMIT');
    } finally {
      await slow.end();
    }
    const all = await readUntil({ after, limit: 100, eventTypes: [mine] }, 4);
    expect(ns(all)).toEqual([0, 1, 2, 3]);
    expect(ns(all)).toEqual(
      ns(await plain.read({ after, limit: 100, eventTypes: [mine], acrossTenants: true })),
    );
  });

  it("gives a tenant's reader its own events only, and no place among another tenant's", async () => {
    const mine = type();
    const start = await marker('tail-a');
    await append(mine, 1, 'tail-a');
    await append(mine, 2, 'tail-b');
    await append(mine, 3, 'tail-a');

    await readUntil({ after: start, limit: 100, eventTypes: [mine] }, 3);
    const ofA = await tail.read({ after: start, limit: 100, eventTypes: [mine], tenant: 'tail-a' });
    expect(ns(ofA)).toEqual([1, 3]);
    expect(ofA?.every((event) => event.tenantId === 'tail-a')).toBe(true);

    // Tenant b's event is no place tenant a may resume from: the database says so too.
    const ofAll = await tail.read({ after: start, limit: 100, eventTypes: [mine] });
    expect(ns(ofAll)).toEqual([1, 2, 3]);
    const positionOfB = ofAll?.[1]?.globalPosition ?? 0;
    // Nor may tenant b start at tenant a's marker.
    expect(await tail.read({ after: start, limit: 100, tenant: 'tail-b' })).toBeUndefined();
    expect(await tail.read({ after: positionOfB, limit: 100, tenant: 'tail-a' })).toBeUndefined();
    await expect(
      runInTenantScope({ tenant: 'tail-a' }, () => log.read({ after: positionOfB, limit: 100 })),
    ).resolves.toBeUndefined();
  });

  it('serves many readers with one refresh, and a reader behind the window from the database', async () => {
    const mine = type();
    const start = await marker();
    for (const n of [1, 2]) await append(mine, n);
    await readUntil({ after: start, limit: 100, eventTypes: [mine] }, 2);
    const before = tail.refreshes;
    const pages = await Promise.all(
      Array.from({ length: 20 }, () => tail.read({ after: start, limit: 100, eventTypes: [mine] })),
    );
    for (const page of pages) expect(ns(page)).toEqual([1, 2]);
    expect(tail.refreshes - before).toBeLessThanOrEqual(2);

    // A position the window does not hold is left to the database (which knows no such event).
    expect(await tail.read({ after: -5, limit: 1 })).toBeUndefined();
    expect(await log.read({ after: -5, limit: 1, acrossTenants: true })).toBeUndefined();
  });
});
