import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startTestServer } from './test-server';
import type { TestServer } from './test-server';

type RunDatabase = { server: TestServer; adminUrl: string; name: string };

declare global {
  var __TODO_TEST_RUN__: RunDatabase | undefined;
}

/** Creates this run's own database; its URL reaches every test worker as TEST_DATABASE_URL. */
export default async function globalSetup(): Promise<void> {
  const server = await startTestServer((message) => process.stdout.write(`\n${message}\n`));
  const name = `todo_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  process.env.TEST_DATABASE_URL = url.toString();
  process.env.TEST_ADMIN_DATABASE_URL = server.adminUrl;
  globalThis.__TODO_TEST_RUN__ = { server, adminUrl: server.adminUrl, name };
  process.stdout.write(`Test database ${name} on ${server.description}\n`);
}
