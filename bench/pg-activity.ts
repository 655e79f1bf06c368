/**
 * What PostgreSQL itself did while a burst ran, beside the service's figures: checkpoints begun
 * (timed or requested: DROP DATABASE and CHECKPOINT request one at once), the autovacuum workers
 * seen and on what, the most client backends active at once, and the CPU time of every
 * PostgreSQL process of the cluster (from /proc, when the cluster runs on this machine). An idle
 * spell is when PostgreSQL's own maintenance runs, so a slow burst after one is first compared
 * with these.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Client } from 'pg';

export type PgActivity = {
  checkpoints: number;
  /** `relation: phase` of each autovacuum worker seen, once each. */
  autovacuum: string[];
  maxActiveBackends: number;
  /** CPU seconds of all PostgreSQL processes on this machine (NaN when none is visible). */
  cpuSeconds: number;
};

const CLOCK_TICKS = 100;

/** CPU seconds of every process named postgres/postmaster visible in /proc. */
function postgresCpuSeconds(): number {
  let ticks = 0;
  let seen = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== 'postgres' && name !== 'postmaster') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime: fields 14 and 15 of stat, 12 and 13 after the name.
      ticks += Number(fields[11]) + Number(fields[12]);
      seen = true;
    } catch {
      // gone between the listing and the read
    }
  }
  return seen ? ticks / CLOCK_TICKS : Number.NaN;
}

async function checkpointCount(client: Client): Promise<number> {
  // PostgreSQL 17 moved the counters from pg_stat_bgwriter to pg_stat_checkpointer.
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer',
    );
    return Number(rows[0]?.n);
  } catch {
    const { rows } = await client.query<{ n: string }>(
      'SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter',
    );
    return Number(rows[0]?.n);
  }
}

/** Starts sampling (every 200 ms); `stop` ends it and answers what was seen. */
export async function watchPgActivity(url: string): Promise<{ stop: () => Promise<PgActivity> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const checkpointsBefore = await checkpointCount(client);
  const cpuBefore = postgresCpuSeconds();
  const autovacuum = new Set<string>();
  let maxActiveBackends = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await client.query<{ backend_type: string; query: string | null }>(
        `SELECT backend_type, query FROM pg_stat_activity
         WHERE pid <> pg_backend_pid()
           AND (backend_type = 'autovacuum worker' OR (backend_type = 'client backend' AND state = 'active'))`,
      );
      const active = rows.filter((row) => row.backend_type === 'client backend').length;
      maxActiveBackends = Math.max(maxActiveBackends, active);
      for (const row of rows) {
        if (row.backend_type === 'autovacuum worker' && row.query) {
          autovacuum.add(row.query.replace(/^autovacuum:\s*/, ''));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await sampling;
      const checkpoints = (await checkpointCount(client)) - checkpointsBefore;
      await client.end();
      return {
        checkpoints,
        autovacuum: [...autovacuum],
        maxActiveBackends,
        cpuSeconds: postgresCpuSeconds() - cpuBefore,
      };
    },
  };
}
