/**
 * The floors of the benchmark: Node + express + pg on their own, with none of the service's CQRS
 * stack (no validation, buses, aggregate, event store, projection or error mapping), issuing
 * exactly the SQL of the matching pgbench scripts in bench/pgbench/. pgbench is what PostgreSQL can
 * do; a floor is the most an HTTP service on this stack can hope for; the distance from a floor to
 * the service is what the service's own layers cost.
 *
 * `FLOOR=nest` (the default) serves the routes through Nest's router, as the service does;
 * `FLOOR=express` through a bare express app (reads only, like the controls): between the two is
 * what Nest's routing costs, and between the express floor and the express control (bench/control.ts,
 * the same responses without a database) what one query costs on this machine.
 *
 * Started by bench/run.ts with DATABASE_URL and PORT, like the service.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { Pool } from 'pg';

const COLUMNS = 'id, title, completed, version, created_at, updated_at';

/** bench/pgbench/create.sql, with the request's title. */
async function createTodo(pool: Pool, title: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query<{ aggregate_id: string }>(
      `INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload)
       SELECT id, 1, 'todo', 'TodoCreated', jsonb_build_object('todoId', id, 'title', $1::text, 'createdAt', to_jsonb(date_trunc('milliseconds', now())))
       FROM (SELECT gen_random_uuid() AS id) g RETURNING aggregate_id`,
      [title],
    );
    const id = inserted.rows[0]!.aggregate_id;
    await client.query(
      `INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
       VALUES ($1, $2, false, 1, now(), now())`,
      [id, title],
    );
    await client.query('COMMIT');
    return { id, title, completed: false };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** bench/pgbench/getbyid.sql: the row, or undefined. */
async function getTodo(pool: Pool, id: string): Promise<unknown> {
  const { rows } = await pool.query(
    `SELECT ${COLUMNS} FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND id = $1`,
    [id],
  );
  return rows[0] as unknown;
}

/** bench/pgbench/list.sql; the query string is ignored. */
async function listTodos(pool: Pool) {
  const { rows } = await pool.query(
    `SELECT ${COLUMNS} FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND completed = false
     ORDER BY created_at DESC, id DESC LIMIT 50`,
  );
  return { items: rows as unknown[] };
}

@Controller('todos')
class FloorController {
  constructor(private readonly pool: Pool) {}

  @Post()
  create(@Body() body: { title: string }) {
    return createTodo(this.pool, body.title);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    const todo = await getTodo(this.pool, id);
    if (!todo) throw new NotFoundException();
    return todo;
  }

  @Get()
  list() {
    return listTodos(this.pool);
  }
}

async function startNest(pool: Pool): Promise<http.Server> {
  @Module({ controllers: [FloorController], providers: [{ provide: Pool, useValue: pool }] })
  class FloorModule {}

  const app = await NestFactory.create<NestExpressApplication>(FloorModule, {
    logger: ['error', 'fatal'],
  });
  // The service turns express's ETag (a hash of every response body) off too; left on, the floor
  // would pay for work the service does not do.
  app.set('etag', false);
  await app.listen(Number(process.env.PORT ?? 3000));
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
  return app.getHttpServer();
}

// The express floor answers as cheaply as a query can: PostgreSQL builds the response's JSON text
// (as PostgREST does) and it is sent as it arrives, with no rows parsed or serialised in Node.
const GET_JSON = `SELECT row_to_json(t)::text AS json FROM (SELECT ${COLUMNS} FROM todo_read_views
  WHERE tenant_id = current_setting('todo.tenant') AND id = $1) t`;
const LIST_JSON = `SELECT json_build_object('items', coalesce(json_agg(t), '[]'))::text AS json FROM (
  SELECT ${COLUMNS} FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND completed = false
  ORDER BY created_at DESC, id DESC LIMIT 50) t`;

async function startExpress(pool: Pool): Promise<http.Server> {
  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  const send = (response: express.Response, json: string | undefined) => {
    if (json === undefined) response.status(404).end();
    else response.type('application/json').send(json);
  };
  app.get('/todos/:id', (request, response, next) => {
    pool
      .query<{ json: string }>({ name: 'floor_get', text: GET_JSON, values: [request.params.id] })
      .then(({ rows }) => send(response, rows[0]?.json), next);
  });
  app.get('/todos', (_request, response, next) => {
    pool
      .query<{ json: string }>({ name: 'floor_list', text: LIST_JSON })
      .then(({ rows }) => send(response, rows[0]?.json), next);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(Number(process.env.PORT ?? 3000), resolve));
  process.once('SIGTERM', () => {
    server.close(() => void pool.end().finally(() => process.exit(0)));
    server.closeAllConnections();
  });
  return server;
}

async function main(): Promise<void> {
  // The service's pool: DB_POOL_SIZE connections, 10 by default.
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DB_POOL_SIZE) || 10,
  });
  const kind = process.env.FLOOR ?? 'nest';
  if (kind !== 'nest' && kind !== 'express') {
    throw new Error(`FLOOR must be "nest" or "express", not ${kind}`);
  }
  const server = kind === 'nest' ? await startNest(pool) : await startExpress(pool);
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Listening on http://localhost:${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`floor failed to start: ${String(error)}\n`);
  process.exit(1);
});
