import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const run = globalThis.__TODO_TEST_RUN__;
  if (!run) return;
  const admin = new Client({ connectionString: run.adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${run.name} WITH (FORCE)`);
  } finally {
    await admin.end();
    await run.server.stop();
  }
}
