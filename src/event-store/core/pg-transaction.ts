import type { ClientBase } from 'pg';
import type { NamedStatement } from '../../database/database';
import type { SqlTransaction } from './inline-projection';

/** The `SqlTransaction` view of a pg client, for handlers running on a dedicated connection. */
export function sqlTransactionOf(client: ClientBase): SqlTransaction {
  return {
    query: async <Row>(sql: string | NamedStatement, parameters: readonly unknown[] = []) => {
      const statement = typeof sql === 'string' ? { text: sql } : sql;
      const result = await client.query<Row & Record<string, unknown>>({
        ...statement,
        values: [...parameters],
      });
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
  };
}

export async function rollbackQuietly(client: ClientBase): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // A broken connection has lost the transaction anyway; the first error is the one to report.
  }
}
