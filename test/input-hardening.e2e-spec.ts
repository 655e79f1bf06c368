import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startTestApp } from './support/app';
import { databaseOf } from './support/database';
import type { TestDatabase } from './support/database';
import { expectProblem } from './support/problem';

/**
 * Every input the API does not accept is a clear 4xx problem: never a 500, and never stored in
 * another form than was sent. Each case stands for a class of inputs, tried on every route where
 * the class can occur.
 */
describe('Input hardening (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;
  let database: TestDatabase;

  beforeAll(async () => {
    app = await startTestApp();
    // Listening for real: some requests below are bytes that no HTTP client would send.
    await app.listen(0, '127.0.0.1');
    http = app.getHttpServer();
    database = databaseOf(app);
  });

  afterAll(() => app.close());

  const create = async (title = `todo ${randomUUID()}`): Promise<{ id: string; title: string }> =>
    (await request(http).post('/todos').send({ title }).expect(201)).body as {
      id: string;
      title: string;
    };

  const eventsOf = (id: string) =>
    database.rows<{ payload: Record<string, unknown>; aggregate_id: string }>(
      'SELECT payload, aggregate_id::text FROM events WHERE aggregate_id = $1 ORDER BY sequence',
      [id],
    );

  // The bytes exactly as given: superagent would otherwise serialise a Buffer as JSON.
  const raw = (body: unknown): string => body as string;

  /** Sends `raw` bytes on a new connection; the status and body of the answer. */
  const sendRaw = (raw: Buffer): Promise<{ status: number; type: string; body: string }> =>
    new Promise((resolve, reject) => {
      const { port } = http.address() as AddressInfo;
      const socket = connect(port, '127.0.0.1', () => socket.end(raw));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('latin1');
        const [head = '', body = ''] = text.split('\r\n\r\n');
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
          type: /content-type: ([^\r]*)/i.exec(head)?.[1] ?? '',
          body,
        });
      });
    });

  const titledEvents = async (marker: string): Promise<number> => {
    const [row] = await database.rows<{ count: number }>(
      `SELECT count(*)::int AS count FROM events WHERE payload->>'title' LIKE $1`,
      [`%${marker}%`],
    );
    return row?.count ?? -1;
  };

  describe('integer parameters are strict decimal within the range the code handles', () => {
    // Each value is one that Number() reads as a number, or one beyond what a handler can use.
    const notDecimal = ['0x10', '0x1', '1e1', '%20%205', '+5', '-0', '1.0', '0o7', '%EF%BC%95'];

    let id: string;
    beforeAll(async () => {
      id = (await create()).id;
    });

    const routes = (): [string, string, string[]][] => [
      ['/todos', 'limit', notDecimal],
      [`/todos/${id}`, 'version', notDecimal],
      [`/todos/${id}/events`, 'after', notDecimal],
      [`/todos/${id}/events`, 'limit', notDecimal],
      ['/activity/feed', 'limit', notDecimal],
    ];

    it('refuses every non-decimal spelling on every route, naming the parameter', async () => {
      for (const [path, name, values] of routes()) {
        for (const value of values) {
          const problem = expectProblem(
            await request(http).get(`${path}?${name}=${value}`),
            400,
            'validation-error',
          );
          expect(problem.errors).toEqual([
            { field: name, messages: [expect.stringMatching(/must be a decimal integer from/)] },
          ]);
        }
      }
    });

    it.each([
      ['after', '9007199254740991'],
      ['after', '9007199254740992'],
      ['after', '99999999999999999999'],
      ['limit', '9007199254740993'],
    ])('refuses %s=%s beyond the handled range with 400, not 500', async (name, value) => {
      expectProblem(
        await request(http).get(`/todos/${id}/events?${name}=${value}`),
        400,
        'validation-error',
      );
    });

    it('refuses a version beyond 2^53 - 1 with 400, and answers the largest one 404', async () => {
      expectProblem(
        await request(http).get(`/todos/${id}?version=9007199254740992`),
        400,
        'validation-error',
      );
      expectProblem(
        await request(http).get(`/todos/${id}?version=9007199254740991`),
        404,
        'todo-version-not-found',
      );
    });

    it('accepts the edges of each range', async () => {
      await request(http).get(`/todos/${id}/events?after=9007199254740990`).expect(200);
      await request(http).get(`/todos/${id}/events?after=0&limit=100`).expect(200);
      await request(http).get(`/todos/${id}?version=1`).expect(200);
      await request(http).get('/todos?limit=1').expect(200);
      await request(http).get('/activity/feed?limit=1').expect(200);
    });
  });

  describe('JSON bodies', () => {
    it.each([
      ['a lone continuation byte', Buffer.from([0x80])],
      ['0xff', Buffer.from([0xff])],
      ['a truncated sequence', Buffer.from([0xe2, 0x82])],
      ['an overlong "/"', Buffer.from([0xc0, 0xaf])],
      ['a UTF-8-encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
    ])(
      'invalid UTF-8 (%s) is 400 malformed-body on create and rename, nothing stored',
      async (_case, bytes) => {
        const marker = `utf8-${randomUUID()}`;
        const body = Buffer.concat([Buffer.from(`{"title":"${marker}`), bytes, Buffer.from('"}')]);
        const created = await request(http)
          .post('/todos')
          .set('Content-Type', 'application/json')
          .serialize(raw)
          .send(body);
        expect(expectProblem(created, 400, 'malformed-body').detail).toMatch(/UTF-8/);
        const todo = await create();
        const renamed = await request(http)
          .patch(`/todos/${todo.id}`)
          .set('Content-Type', 'application/json')
          .serialize(raw)
          .send(body);
        expectProblem(renamed, 400, 'malformed-body');
        expect(await titledEvents(marker)).toBe(0);
        expect(await eventsOf(todo.id)).toHaveLength(1);
      },
    );

    it('a charset other than UTF-8 is 415, nothing stored', async () => {
      const marker = `utf16-${randomUUID()}`;
      const response = await request(http)
        .post('/todos')
        .set('Content-Type', 'application/json; charset=utf-16le')
        .serialize(raw)
        .send(Buffer.from(JSON.stringify({ title: marker }), 'utf16le'));
      expectProblem(response, 415, 'unsupported-media-type');
      expect(await titledEvents(marker)).toBe(0);
    });

    it.each([
      ['__proto__ at the top', '{"title":"%s","__proto__":{"x":1}}', '__proto__'],
      ['constructor at the top', '{"title":"%s","constructor":{"x":1}}', 'constructor'],
      ['prototype at the top', '{"title":"%s","prototype":{}}', 'prototype'],
      ['constructor.prototype', '{"title":"%s","constructor":{"prototype":{}}}', 'constructor'],
      ['an empty __proto__', '{"title":"%s","__proto__":{}}', '__proto__'],
      ['__proto__ as null', '{"title":"%s","__proto__":null}', '__proto__'],
    ])('%s is refused like any unknown field, nothing stored', async (_case, template, field) => {
      const marker = `proto-${randomUUID()}`;
      const json = template.replace('%s', marker);
      const created = await request(http)
        .post('/todos')
        .set('Content-Type', 'application/json')
        .send(json);
      const problem = expectProblem(created, 400, 'validation-error');
      expect((problem.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      const todo = await create();
      const renamed = await request(http)
        .patch(`/todos/${todo.id}`)
        .set('Content-Type', 'application/json')
        .send(json);
      expectProblem(renamed, 400, 'validation-error');
      expect(await titledEvents(marker)).toBe(0);
      expect(await eventsOf(todo.id)).toHaveLength(1);
    });

    it('a reserved key in a query is refused too', async () => {
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        const problem = expectProblem(
          await request(http).get(`/todos?${key}=1`),
          400,
          'validation-error',
        );
        expect(problem.errors).toEqual([{ field: key, messages: [expect.any(String)] }]);
      }
    });
  });

  describe('titles display as what they say', () => {
    it.each([
      ['zero width spaces', '\u200b\u200b'],
      ['a word joiner', '\u2060'],
      ['a braille blank', '\u2800'],
      ['Hangul fillers', '\u115f\u1160\u3164\uffa0'],
      ['a Mongolian vowel separator', '\u180e'],
      ['variation selectors', '\ufe0f\ufe0e'],
      ['tag characters', '\u{e0041}\u{e0042}'],
      ['a byte order mark and a soft hyphen', '\ufeff\u00ad'],
      ['combining marks alone', '\u0301\u0302'],
      ['ideographic and no-break spaces', '\u3000\u00a0'],
    ])('a title of only %s is 400 todo-title-invalid', async (_case, title) => {
      const problem = expectProblem(
        await request(http).post('/todos').send({ title }),
        400,
        'todo-title-invalid',
      );
      expect(problem.reason).toMatch(/no visible character|empty/);
      const todo = await create();
      expectProblem(
        await request(http).patch(`/todos/${todo.id}`).send({ title }),
        400,
        'todo-title-invalid',
      );
      expect(await eventsOf(todo.id)).toHaveLength(1);
    });

    it.each([
      ['U+202E right-to-left override', 'invoice\u202egpj.exe'],
      ['U+202A left-to-right embedding', '\u202aabc'],
      ['U+202D left-to-right override', 'a\u202db'],
      ['U+2066 left-to-right isolate', 'a\u2066b\u2069'],
      ['U+2067 right-to-left isolate', 'a\u2067b'],
      ['U+2068 first strong isolate', 'a\u2068b'],
      ['U+200E left-to-right mark', 'a\u200eb'],
      ['U+200F right-to-left mark', 'a\u200fb'],
      ['U+061C Arabic letter mark', 'a\u061cb'],
    ])('a title with a %s is 400 todo-title-invalid', async (_case, title) => {
      const problem = expectProblem(
        await request(http).post('/todos').send({ title }),
        400,
        'todo-title-invalid',
      );
      expect(problem.reason).toMatch(/bidirectional/);
      const todo = await create();
      expectProblem(
        await request(http).patch(`/todos/${todo.id}`).send({ title }),
        400,
        'todo-title-invalid',
      );
    });

    it('stores a title composed to NFC, in the read model and in the event', async () => {
      const marker = randomUUID();
      const todo = await create(`Cafe\u0301 ${marker}`);
      expect(todo.title).toBe(`Caf\u00e9 ${marker}`);
      const renamed = await request(http)
        .patch(`/todos/${todo.id}`)
        .send({ title: `\u1100\u1161 ${marker}` })
        .expect(200);
      expect((renamed.body as { title: string }).title).toBe(`\uac00 ${marker}`);
      const titles = (await eventsOf(todo.id)).map((event) => event.payload.title);
      expect(titles).toEqual([`Caf\u00e9 ${marker}`, `\uac00 ${marker}`]);
    });

    it('keeps titles whose invisible characters sit between visible ones', async () => {
      const title = `👩\u200d💻 a\u200bb ${randomUUID()}`;
      expect((await create(title)).title).toBe(title);
    });
  });

  describe('ids are canonical from the edge inwards', () => {
    it('an uppercase id in the path is written, answered and linked in lowercase', async () => {
      const todo = await create();
      const upper = todo.id.toUpperCase();
      const renamed = await request(http)
        .patch(`/todos/${upper}`)
        .send({ title: 'Renamed' })
        .expect(200);
      expect((renamed.body as { id: string }).id).toBe(todo.id);
      const completed = await request(http).post(`/todos/${upper}/complete`).expect(200);
      expect((completed.body as { id: string }).id).toBe(todo.id);
      const events = await eventsOf(todo.id);
      expect(events).toHaveLength(3);
      for (const event of events) {
        expect(event.payload.todoId).toBe(todo.id);
        expect(event.aggregate_id).toBe(todo.id);
      }
      const read = await request(http).get(`/todos/${upper}`).expect(200);
      expect((read.body as { id: string }).id).toBe(todo.id);
      const page = await request(http).get(`/todos/${upper}/events?limit=1`).expect(200);
      expect(page.headers.link).toContain(`/todos/${todo.id}/events`);
    });

    it('the same Idempotency-Key is the same request whatever the case of the id', async () => {
      const todo = await create();
      const key = randomUUID();
      const first = await request(http)
        .post(`/todos/${todo.id.toUpperCase()}/complete`)
        .set('Idempotency-Key', key)
        .expect(200);
      const retry = await request(http)
        .post(`/todos/${todo.id}/complete`)
        .set('Idempotency-Key', key)
        .expect(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
    });
  });

  describe('If-Match', () => {
    it.each([['W/"1"'], ['W/"1", W/"2"'], ['"abc"'], ['"9007199254740993"'], ['W/"1", "xyz"']])(
      '%s can never match: 412 saying so, nothing written',
      async (ifMatch) => {
        const todo = await create();
        const problem = expectProblem(
          await request(http)
            .patch(`/todos/${todo.id}`)
            .set('If-Match', ifMatch)
            .send({ title: 'Changed' }),
          412,
          'precondition-failed',
        );
        expect(problem.detail).toMatch(/weak entity tags .* never match/);
        expect(problem.detail).not.toMatch(/not\s+as required/);
        expect(problem.currentVersion).toBe(1);
        expect(await eventsOf(todo.id)).toHaveLength(1);
      },
    );

    it('a weak tag beside a strong one that matches: the strong one counts', async () => {
      const todo = await create();
      await request(http)
        .patch(`/todos/${todo.id}`)
        .set('If-Match', 'W/"1", "1"')
        .send({ title: 'Changed' })
        .expect(200);
    });

    it.each([
      ['33 tags', 33, (i: number) => `"${i + 1}"`],
      ['2,000 tags', 2000, (i: number) => `"${i + 1}"`],
      // As many as fit in Node's 16 KiB of headers.
      ['1,400 weak tags', 1400, (i: number) => `W/"${i + 1}"`],
    ])('a list of %s is refused with a short 400, nothing written', async (_case, count, tag) => {
      const todo = await create();
      const ifMatch = Array.from({ length: count }, (_, i) => tag(i)).join(', ');
      for (const attempt of [
        request(http).patch(`/todos/${todo.id}`).set('If-Match', ifMatch).send({ title: 'x' }),
        request(http).post(`/todos/${todo.id}/complete`).set('If-Match', ifMatch),
      ]) {
        const response = await attempt;
        const problem = expectProblem(response, 400, 'validation-error');
        expect(problem.errors).toEqual([
          { field: 'If-Match', messages: [expect.stringMatching(/at most 32 entity tags/)] },
        ]);
        expect(response.text.length).toBeLessThan(1024);
      }
      expect(await eventsOf(todo.id)).toHaveLength(1);
    });

    it('a list of 32 tags is read, and the 412 lists them', async () => {
      const todo = await create();
      const ifMatch = Array.from({ length: 32 }, (_, i) => `"${i + 2}"`).join(', ');
      const problem = expectProblem(
        await request(http)
          .patch(`/todos/${todo.id}`)
          .set('If-Match', ifMatch)
          .send({ title: 'x' }),
        412,
        'precondition-failed',
      );
      expect(problem.expectedVersions).toHaveLength(32);
    });
  });

  describe('malformed URLs', () => {
    it.each([
      '/todos/%ff',
      '/todos/%FF/events',
      '/todos/%zz/complete',
      '/todos/%E0%A4%A',
      '/todos/%C0%AF',
      '/todos/%',
      '/activity/%ff',
      '/nothing-here/%ff',
      '/todos?cursor=%ff',
      '/todos?%zz=1',
      '/activity/feed?limit=%ff',
    ])('%s is 400 malformed-url on every method', async (path) => {
      for (const method of ['get', 'post', 'patch'] as const) {
        const problem = expectProblem(
          await request(http)
            [method](path)
            .send(method === 'get' ? undefined : { title: 'x' }),
          400,
          'malformed-url',
        );
        expect(problem.detail).toMatch(/percent-escape/);
      }
    });

    it.each([
      ['a raw 0xff in the path', 'GET /todos/\xff HTTP/1.1', 400, 'malformed-url'],
      ['raw Latin-1 in the query', 'GET /todos?cursor=\xe9 HTTP/1.1', 400, 'malformed-url'],
      ['a space in the path', 'GET /todos/a b HTTP/1.1', 400, 'bad-request'],
      ['a method with a control character', 'GE\x01T /todos HTTP/1.1', 400, 'bad-request'],
    ])(
      'a request line with %s, refused by the HTTP parser, is problem+json too',
      async (_case, line, status, slug) => {
        const reply = await sendRaw(Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'latin1'));
        expect(reply.status).toBe(status);
        expect(reply.type).toBe('application/problem+json');
        expect(JSON.parse(reply.body)).toMatchObject({
          type: `urn:todo-service:problem:${slug}`,
          status,
        });
      },
    );

    it('headers over the parser limit are 431 problem+json', async () => {
      const reply = await sendRaw(
        Buffer.from(`GET /todos HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      );
      expect(reply.status).toBe(431);
      expect(JSON.parse(reply.body)).toMatchObject({
        type: 'urn:todo-service:problem:request-failed',
        status: 431,
      });
    });

    it('a malformed URL with a body is refused before the body is read', async () => {
      const marker = `url-${randomUUID()}`;
      expectProblem(
        await request(http).post('/todos?x=%ff').send({ title: marker }),
        400,
        'malformed-url',
      );
      expect(await titledEvents(marker)).toBe(0);
    });
  });
});
