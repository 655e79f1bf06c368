import { openDatabase } from '../../../test/support/database';
import type { TestDatabase } from '../../../test/support/database';
import { InlineProjectionRegistry } from './inline-projection';
import { PostgresEventStore } from './postgres-event-store';
import { eventStoreContract } from './event-store.contract';

let database: TestDatabase | undefined;
afterAll(() => database?.close());

eventStoreContract('PostgreSQL', async () => {
  database = await openDatabase();
  return new PostgresEventStore(database, new InlineProjectionRegistry());
});
