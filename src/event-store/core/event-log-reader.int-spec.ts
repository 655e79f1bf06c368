import { randomUUID } from 'node:crypto';
import { createScratchDatabase, openDatabase } from '../../../test/support/database';
import { LOG_START, readAfter } from './event-log-reader';
import type { SqlTransaction } from './inline-projection';
import { UpcasterRegistry } from './upcaster';

describe('readAfter', () => {
  it('orders by transaction id as a number, then by position, and pages from a position', async () => {
    const scratch = await createScratchDatabase('log_reader');
    const database = await openDatabase(scratch.url);
    try {
      // Transaction ids chosen so that text order (1001 < 926 < 98) differs from number order.
      const rows: [number, string][] = [
        [1, '1001'],
        [2, '98'],
        [3, '926'],
        [4, '926'],
      ];
      for (const [n, transactionId] of rows) {
        await database.asOwner(
          `INSERT INTO events (tenant_id, aggregate_id, sequence, stream_type, event_type, payload, transaction_id)
           VALUES ('default', $1, 1, 'note', 'Noted', $2, $3::xid8)`,
          [randomUUID(), JSON.stringify({ n }), transactionId],
        );
      }
      const tx: SqlTransaction = {
        query: async <Row>(sql: string, parameters?: readonly unknown[]) => {
          const found = await database.asOwner<Row>(sql, [...(parameters ?? [])]);
          return { rows: found, rowCount: found.length };
        },
      };
      const upcasters = new UpcasterRegistry();

      const all = await readAfter(tx, upcasters, LOG_START, 10);
      expect(all.map((event) => [event.transactionId, event.data.n])).toEqual([
        ['98', 2],
        ['926', 3],
        ['926', 4],
        ['1001', 1],
      ]);
      const second = all[1];
      if (!second) throw new Error('expected four events');
      const rest = await readAfter(tx, upcasters, second, 2);
      expect(rest.map((event) => event.data.n)).toEqual([4, 1]);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});
