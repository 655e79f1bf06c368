import { createHash, randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CommandBus } from '@nestjs/cqrs';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { Response } from 'supertest';
import { runWithRequestContext } from '../src/shared/application/request-context';
import { CreateTodoCommand } from '../src/todo/application/commands/create-todo';
import { startTestApp } from './support/app';
import { waitFor } from './support/wait-for';

jest.setTimeout(60_000);

const SECRET = 'a-secret-for-tenant-tests-that-is-long-enough';

/** Routes that serve no tenant's data (probes, metrics, the API document itself). */
const NOT_TENANT_DATA = /^\/(health\/|metrics$|docs)/;

type Credential = { name: string; headers: Record<string, string> };
type TodoBody = { id: string; version: number; title: string; completed: boolean };

const jwt = (tenant: string, subject: string) =>
  new SignJWT({ tenant_id: tenant })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));

/**
 * Two tenants on one service: for every operation of the API document, tenant B learns nothing
 * of tenant A's data (not its content, not its existence) and changes none of it, whether B
 * holds a JWT or an API key. What B gets for A's ids is what it gets for ids that never existed.
 */
describe('Tenants (e2e, two tenants over every route)', () => {
  let app: NestExpressApplication;
  const tenantA = `acme-${randomUUID().slice(0, 8)}`;
  const tenantB = `globex-${randomUUID().slice(0, 8)}`;
  const keyOfB = randomUUID() + randomUUID();
  let alice: Credential;
  const credentialsOfB: Credential[] = [];

  // A's data: a todo with history, a deleted one, an idempotent create, a list cursor.
  let kept: TodoBody;
  let deleted: TodoBody;
  const idempotencyKey = randomUUID();
  let cursorOfA: string;
  let listOfA: { id: string };

  const as = (credential: Credential) => {
    const server = app.getHttpServer();
    const withAuth = (test: request.Test) => test.set(credential.headers);
    return {
      get: (path: string) => withAuth(request(server).get(path)),
      post: (path: string) => withAuth(request(server).post(path)),
      patch: (path: string) => withAuth(request(server).patch(path)),
      delete: (path: string) => withAuth(request(server).delete(path)),
    };
  };

  let hookOfA = '';
  let positionOfA = 0;

  /** What an answer tells, with the ids it was about written as placeholders. */
  const observed = (response: Response, ids: Record<string, string>) => {
    let text = response.text;
    for (const [placeholder, id] of Object.entries(ids)) text = text.split(id).join(placeholder);
    return {
      status: response.status,
      contentType: response.headers['content-type'],
      etag: response.headers.etag,
      body: text === '' ? '' : (JSON.parse(text) as unknown),
    };
  };

  beforeAll(async () => {
    app = await startTestApp({
      auth: {
        jwtSecret: SECRET,
        apiKeys: [],
        apiKeyEntries: [
          {
            name: `b-${tenantB}`,
            tenant: tenantB,
            scopes: [
              'todos:read',
              'todos:write',
              'lists:read',
              'lists:write',
              'activity:read',
              'events:read',
              'webhooks:manage',
              'admin:read',
            ],
            sha256: createHash('sha256').update(keyOfB).digest('hex'),
          },
        ],
      },
    });
    alice = {
      name: 'A by JWT',
      headers: { Authorization: `Bearer ${await jwt(tenantA, 'alice')}` },
    };
    credentialsOfB.push(
      { name: 'B by JWT', headers: { Authorization: `Bearer ${await jwt(tenantB, 'bob')}` } },
      { name: 'B by API key', headers: { 'X-API-Key': keyOfB } },
    );

    const a = as(alice);
    kept = (await a.post('/todos').send({ title: 'secret plan' }).expect(201)).body as TodoBody;
    await a.patch(`/todos/${kept.id}`).send({ title: 'secret plan, v2' }).expect(200);
    kept = (await a.post(`/todos/${kept.id}/complete`).expect(200)).body as TodoBody;
    deleted = (await a.post('/todos').send({ title: 'gone' }).expect(201)).body as TodoBody;
    await a.delete(`/todos/${deleted.id}`).expect(204);
    await a
      .post('/todos')
      .set('Idempotency-Key', idempotencyKey)
      .send({ title: 'same request' })
      .expect(201);
    hookOfA = (
      (await a.post('/webhooks').send({ url: 'https://hooks.example.com/a' }).expect(201)).body as {
        id: string;
      }
    ).id;
    positionOfA =
      (
        (await a.get('/events?limit=1').expect(200)).body as {
          items: { position: number }[];
        }
      ).items[0]?.position ?? 0;
    expect(positionOfA).toBeGreaterThan(0);
    listOfA = (await a.post('/lists').send({ name: 'secret list' }).expect(201)).body as {
      id: string;
    };
    await a.post(`/lists/${listOfA.id}/todos`).send({ todoId: kept.id }).expect(200);
    const page = await a.get('/todos?limit=1').expect(200);
    cursorOfA = (page.body as { nextCursor: string }).nextCursor;
    expect(cursorOfA).toEqual(expect.any(String));
    // A's activity is written by the subscription; wait for it, so B's views are checked after.
    await waitFor('A in the activity feed', async () => {
      const feed = await a.get('/activity/feed').expect(200);
      return (feed.body as { items: unknown[] }).items.length >= 6;
    });
  });

  afterAll(() => app?.close());

  /**
   * Each operation of the API document, and what B tries with it: answers compared with the
   * same request about an id that never existed (`same`), or checked to hold none of A's data.
   */
  const checks: Record<string, (b: Credential) => Promise<void>> = {
    'GET /todos/{id}': async (b) => {
      for (const id of [kept.id, deleted.id]) {
        await same(b, (x) => as(b).get(`/todos/${x}`), id);
        await same(b, (x) => as(b).get(`/todos/${x}?version=1`), id);
      }
    },
    'GET /todos/{id}/events': async (b) => {
      for (const id of [kept.id, deleted.id]) {
        await same(b, (x) => as(b).get(`/todos/${x}/events`), id);
      }
    },
    'PATCH /todos/{id}': async (b) => {
      await same(b, (x) => as(b).patch(`/todos/${x}`).send({ title: 'hijacked' }), kept.id);
      await same(
        b,
        (x) => as(b).patch(`/todos/${x}`).set('If-Match', '"3"').send({ title: 'hijacked' }),
        kept.id,
      );
    },
    'POST /todos/{id}/complete': async (b) => {
      await same(b, (x) => as(b).post(`/todos/${x}/complete`), kept.id);
    },
    'POST /todos/{id}/reopen': async (b) => {
      await same(b, (x) => as(b).post(`/todos/${x}/reopen`), kept.id);
    },
    'DELETE /todos/{id}': async (b) => {
      await same(b, (x) => as(b).delete(`/todos/${x}`), kept.id);
      await same(b, (x) => as(b).delete(`/todos/${x}`), deleted.id);
    },
    'GET /todos': async (b) => {
      const list = await as(b).get('/todos?limit=100').expect(200);
      expect(JSON.stringify(list.body)).not.toContain(kept.id);
      expect(list.text).not.toContain('secret plan');
      // A cursor A received is refused like a forged one: it does not page into A's list.
      const forgedCursor = `${cursorOfA.slice(0, -1)}${cursorOfA.endsWith('A') ? 'B' : 'A'}`;
      const foreign = await as(b).get(`/todos?cursor=${encodeURIComponent(cursorOfA)}`);
      const forged = await as(b).get(`/todos?cursor=${encodeURIComponent(forgedCursor)}`);
      expect(observed(foreign, { '<cursor>': cursorOfA })).toEqual(
        observed(forged, { '<cursor>': forgedCursor }),
      );
      expect(foreign.status).toBe(400);
    },
    'POST /todos': async (b) => {
      // A's Idempotency-Key replays nothing of A's: B's request runs as B's own.
      const replay = await as(b)
        .post('/todos')
        .set('Idempotency-Key', idempotencyKey)
        .send({ title: 'same request' })
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBeUndefined();
      expect((replay.body as TodoBody).version).toBe(1);
      // An id taken in A is free in B (commands take ids; over HTTP the service picks them).
      const ofA = (await as(alice).post('/todos').send({ title: 'taken in A' }).expect(201))
        .body as TodoBody;
      const created = await runWithRequestContext(
        { requestId: randomUUID(), tenant: tenantB, subject: 'test' },
        () => app.get(CommandBus).execute(new CreateTodoCommand('mine now', ofA.id)),
      );
      expect(created.newEvents).toHaveLength(1);
      expect((await as(b).get(`/todos/${ofA.id}`).expect(200)).body).toMatchObject({
        title: 'mine now',
      });
      expect((await as(alice).get(`/todos/${ofA.id}`).expect(200)).body).toEqual(ofA);
    },
    'GET /events': async (b) => {
      const feed = await as(b).get('/events?limit=1000').expect(200);
      expect(feed.text).not.toContain(kept.id);
      expect(feed.text).not.toContain('secret plan');
      // A's position is no place in B's feed: refused as if it did not exist.
      const after = await as(b).get(`/events?after=${positionOfA}`).expect(400);
      expect((after.body as { code: string }).code).toBe('EVENT_POSITION_UNKNOWN');
    },
    'GET /events/stream': async (b) => {
      const resumed = await as(b)
        .get('/events/stream')
        .set('Last-Event-ID', String(positionOfA))
        .expect(400);
      expect((resumed.body as { code: string }).code).toBe('EVENT_POSITION_UNKNOWN');
    },
    'GET /admin/status': async (b) => {
      const status = await as(b).get('/admin/status').expect(200);
      expect(status.text).not.toContain(hookOfA);
      expect(status.text).not.toContain(tenantA);
      // Positions in the shared log (which A's writes move) are no part of B's view.
      expect(status.text).not.toMatch(/checkpoint|head/);
    },
    'GET /webhooks': async (b) => {
      const list = await as(b).get('/webhooks').expect(200);
      expect(list.text).not.toContain(hookOfA);
      expect(list.text).not.toContain('hooks.example.com/a');
    },
    'POST /webhooks': async (b) => {
      const created = await as(b)
        .post('/webhooks')
        .send({ url: 'https://hooks.example.com/b' })
        .expect(201);
      const ofA = await as(alice).get('/webhooks').expect(200);
      expect(ofA.text).not.toContain((created.body as { id: string }).id);
    },
    'GET /webhooks/{id}': (b) => same(b, (id) => as(b).get(`/webhooks/${id}`), hookOfA),
    'PATCH /webhooks/{id}': (b) =>
      same(b, (id) => as(b).patch(`/webhooks/${id}`).send({ description: 'mine' }), hookOfA),
    'DELETE /webhooks/{id}': (b) => same(b, (id) => as(b).delete(`/webhooks/${id}`), hookOfA),
    'POST /webhooks/{id}/rotate-secret': (b) =>
      same(b, (id) => as(b).post(`/webhooks/${id}/rotate-secret`), hookOfA),
    'GET /webhooks/{id}/deliveries': (b) =>
      same(b, (id) => as(b).get(`/webhooks/${id}/deliveries`), hookOfA),
    'POST /webhooks/{id}/deliveries/{deliveryId}/redeliver': (b) => {
      const delivery = randomUUID();
      return same(
        b,
        (id) => as(b).post(`/webhooks/${id}/deliveries/${delivery}/redeliver`),
        hookOfA,
      );
    },
    'GET /lists/{id}': async (b) => {
      await same(b, (x) => as(b).get(`/lists/${x}`), listOfA.id);
    },
    'PATCH /lists/{id}': async (b) => {
      await same(b, (x) => as(b).patch(`/lists/${x}`).send({ name: 'hijacked' }), listOfA.id);
    },
    'POST /lists/{id}/todos': async (b) => {
      await same(b, (x) => as(b).post(`/lists/${x}/todos`).send({ todoId: kept.id }), listOfA.id);
      // A's todo is no todo in B: it cannot go into B's own list.
      const own = (await as(b).post('/lists').send({ name: 'own' }).expect(201)).body as {
        id: string;
      };
      await same(b, (x) => as(b).post(`/lists/${own.id}/todos`).send({ todoId: x }), kept.id);
    },
    'DELETE /lists/{id}/todos/{todoId}': async (b) => {
      await same(b, (x) => as(b).delete(`/lists/${x}/todos/${kept.id}`), listOfA.id);
    },
    'POST /lists/{id}/archive': async (b) => {
      await same(
        b,
        (x) => as(b).post(`/lists/${x}/archive`).send({ completeOpenTodos: true }),
        listOfA.id,
      );
    },
    'GET /lists': async (b) => {
      const lists = await as(b).get('/lists?limit=100').expect(200);
      expect(lists.text).not.toContain(listOfA.id);
      expect(lists.text).not.toContain('secret list');
    },
    'POST /lists': async (b) => {
      const created = await as(b).post('/lists').send({ name: 'of B' }).expect(201);
      expect(created.text).not.toContain('secret');
    },
    'GET /activity/feed': async (b) => {
      const feed = await as(b).get('/activity/feed?limit=100').expect(200);
      expect(feed.text).not.toContain(kept.id);
      expect(feed.text).not.toContain(deleted.id);
      expect(feed.text).not.toContain('secret plan');
    },
    'GET /activity/daily': async (b) => {
      const daily = await as(b).get('/activity/daily').expect(200);
      const ofA = await as(alice).get('/activity/daily').expect(200);
      const total = (body: unknown) =>
        (body as { days: { created: number }[] }).days.reduce((sum, day) => sum + day.created, 0);
      expect(total(ofA.body)).toBeGreaterThanOrEqual(3);
      // B's own creates are the only ones it counts (it made at most four across the checks).
      expect(total(daily.body)).toBeLessThanOrEqual(4);
    },
  };

  /** B's answer about A's id equals B's answer about an id that never existed. */
  async function same(
    b: Credential,
    send: (id: string) => request.Test,
    idOfA: string,
  ): Promise<void> {
    const never = randomUUID();
    const aboutA = observed(await send(idOfA), { '<id>': idOfA });
    const aboutNothing = observed(await send(never), { '<id>': never });
    expect([b.name, aboutA]).toEqual([b.name, aboutNothing]);
  }

  it('covers every operation of the API document', async () => {
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths)
      .filter(([path]) => !NOT_TENANT_DATA.test(path))
      .flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
    expect(operations.sort()).toEqual(Object.keys(checks).sort());
  });

  for (const which of [0, 1]) {
    describe(`tenant B ${which === 0 ? 'by JWT' : 'by API key'}`, () => {
      for (const operation of [
        'GET /todos/{id}',
        'GET /todos/{id}/events',
        'PATCH /todos/{id}',
        'POST /todos/{id}/complete',
        'POST /todos/{id}/reopen',
        'DELETE /todos/{id}',
        'GET /todos',
        'POST /todos',
        'GET /activity/feed',
        'GET /activity/daily',
        'GET /events',
        'GET /events/stream',
        'GET /admin/status',
        'GET /webhooks',
        'POST /webhooks',
        'GET /webhooks/{id}',
        'PATCH /webhooks/{id}',
        'DELETE /webhooks/{id}',
        'POST /webhooks/{id}/rotate-secret',
        'GET /webhooks/{id}/deliveries',
        'POST /webhooks/{id}/deliveries/{deliveryId}/redeliver',
      ]) {
        it(`${operation}: nothing of A's is seen or changed`, async () => {
          const b = credentialsOfB[which];
          const check = checks[operation];
          if (!b || !check) throw new Error(`no check for ${operation}`);
          await check(b);
          // A's data is as A left it.
          const mine = await as(alice).get(`/todos/${kept.id}`).expect(200);
          expect(mine.body).toEqual(kept);
          await as(alice).get(`/todos/${deleted.id}`).expect(410);
          await as(alice).get(`/webhooks/${hookOfA}`).expect(200);
          const history = await as(alice).get(`/todos/${kept.id}/events`).expect(200);
          expect((history.body as { items: unknown[] }).items).toHaveLength(3);
        });
      }
    });
  }
});
