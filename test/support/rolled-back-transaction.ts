import { Client } from 'pg';
import type { SqlTransaction } from '../../src/event-store';
import { testDatabaseUrl } from './database';

/**
 * A transaction on a plain connection for one test, rolled back after it: a handler under test
 * writes through it, the test reads its writes back, and nothing outlives the test.
 */
export async function rolledBackTransaction(): Promise<{
  tx: SqlTransaction;
  connection: Client;
  end: () => Promise<void>;
}> {
  const connection = new Client({ connectionString: testDatabaseUrl() });
  await connection.connect();
  await connection.query('BEGIN');
  const tx: SqlTransaction = {
    query: async <Row>(sql: string | { text: string }, parameters?: readonly unknown[]) => {
      const text = typeof sql === 'string' ? sql : sql.text;
      const result = await connection.query<Row & Record<string, unknown>>(text, [
        ...(parameters ?? []),
      ]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  };
  const end = async () => {
    await connection.query('ROLLBACK');
    await connection.end();
  };
  return { tx, connection, end };
}
