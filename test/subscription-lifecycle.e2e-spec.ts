import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { SubscriptionRegistry } from '../src/event-store';
import { createScratchDatabase } from './support/database';
import { waitFor } from './support/wait-for';

jest.setTimeout(60_000);

describe('subscription workers in the app lifecycle (e2e)', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let monitor: Client;

  beforeAll(async () => {
    scratch = await createScratchDatabase('lifecycle');
    monitor = new Client({ connectionString: scratch.url });
    await monitor.connect();
  });

  afterAll(async () => {
    await monitor?.end();
    await scratch?.drop();
  });

  const workerConnections = async () => {
    const { rows } = await monitor.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'todo-service-subscriptions'`,
    );
    return Number(rows[0]?.count ?? 0);
  };

  const start = (enabled: boolean) =>
    createApp({
      database: { url: scratch.url, poolSize: 2, connectionTimeoutMs: 10_000, migrate: true },
      subscriptions: { enabled, pollIntervalMs: 50 },
      logger: ['error', 'fatal'],
    }).then(async (app) => {
      await app.init();
      return app;
    });

  it('start with the app, one connection per subscription, and are gone once the app has closed', async () => {
    const app = await start(true);
    const subscriptions = app.get(SubscriptionRegistry).all().length;
    expect(subscriptions).toBeGreaterThan(1);
    try {
      await waitFor(
        'a worker connection per subscription',
        async () => (await workerConnections()) === subscriptions,
      );
    } finally {
      await app.close();
    }
    await waitFor('no worker connection', async () => (await workerConnections()) === 0);
  });

  it('do not start when disabled by configuration', async () => {
    const app = await start(false);
    try {
      // The enabled case above shows a worker connects within this bound.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await workerConnections()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
