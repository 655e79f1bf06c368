import type { DataSource } from 'typeorm';
import { openDataSource } from '../../../test/support/database';
import { InlineProjectionRegistry } from '../inline-projection';
import { PostgresEventStore } from '../postgres-event-store';
import { eventStoreContract } from './event-store.contract';

let dataSource: DataSource | undefined;
afterAll(() => dataSource?.destroy());

eventStoreContract('PostgreSQL', async () => {
  dataSource = await openDataSource();
  return new PostgresEventStore(dataSource, new InlineProjectionRegistry());
});
