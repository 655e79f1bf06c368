/**
 * The floor of the benchmark: Node + Nest + express + pg on their own, with none of the service's
 * CQRS stack (no validation, buses, aggregate, event store, projection or error mapping), issuing
 * exactly the SQL of the matching pgbench scripts in bench/pgbench/. pgbench is what PostgreSQL can
 * do; this is the most an HTTP service on this stack can hope for; the distance from the floor to
 * the service is what the service's own layers cost.
 *
 * Started by bench/run.ts with DATABASE_URL and PORT, like the service.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';

const COLUMNS = 'id, title, completed, version, created_at, updated_at';

@Controller('todos')
class FloorController {
  constructor(private readonly pool: Pool) {}

  /** bench/pgbench/create.sql, with the request's title. */
  @Post()
  async create(@Body() body: { title: string }) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ aggregate_id: string }>(
        `INSERT INTO events (aggregate_id, sequence, stream_type, event_type, payload)
         SELECT id, 1, 'todo', 'TodoCreated', jsonb_build_object('todoId', id, 'title', $1::text, 'createdAt', to_jsonb(date_trunc('milliseconds', now())))
         FROM (SELECT gen_random_uuid() AS id) g RETURNING aggregate_id`,
        [body.title],
      );
      const id = inserted.rows[0]!.aggregate_id;
      await client.query(
        `INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
         VALUES ($1, $2, false, 1, now(), now())`,
        [id, body.title],
      );
      await client.query('COMMIT');
      return { id, title: body.title, completed: false };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** bench/pgbench/getbyid.sql. */
  @Get(':id')
  async get(@Param('id') id: string) {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND id = $1`,
      [id],
    );
    if (!rows[0]) throw new NotFoundException();
    return rows[0] as unknown;
  }

  /** bench/pgbench/list.sql; the query string is ignored. */
  @Get()
  async list() {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM todo_read_views WHERE tenant_id = current_setting('todo.tenant') AND completed = false
       ORDER BY created_at DESC, id DESC LIMIT 50`,
    );
    return { items: rows as unknown[] };
  }
}

async function main(): Promise<void> {
  // The service's pool: DB_POOL_SIZE connections, 10 by default.
  const pool = new Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DB_POOL_SIZE) || 10,
  });

  @Module({ controllers: [FloorController], providers: [{ provide: Pool, useValue: pool }] })
  class FloorModule {}

  const app = await NestFactory.create<NestExpressApplication>(FloorModule, {
    logger: ['error', 'fatal'],
  });
  // The service turns express's ETag (a hash of every response body) off too; left on, the floor
  // would pay for work the service does not do.
  app.set('etag', false);
  await app.listen(Number(process.env.PORT ?? 3000));
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`Listening on http://localhost:${port}\n`);
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`floor failed to start: ${String(error)}\n`);
  process.exit(1);
});
