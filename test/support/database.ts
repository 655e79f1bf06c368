import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';

/** The run's database (created by the global setup). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (npm test).');
  return url;
}

/** A migrated DataSource on the run's database. Tests isolate by fresh ids, not by truncation. */
export function openDataSource(url = testDatabaseUrl()): Promise<DataSource> {
  return createDataSource({ url, poolSize: 20, connectionTimeoutMs: 10_000, migrate: true });
}

/** Creates an empty database beside the run's one; returns its URL and a function that drops it. */
export async function createScratchDatabase(
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? testDatabaseUrl();
  const name = `${new URL(testDatabaseUrl()).pathname.slice(1)}_${label}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
