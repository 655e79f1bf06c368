import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { startTestApp } from './support/app';
import { waitFor } from './support/wait-for';

type FeedItem = { position: number; todoId: string; change: string; title?: string; at: string };
type Daily = {
  from: string;
  to: string;
  days: { day: string; created: number; completed: number }[];
};

const TYPE = 'urn:todo-service:problem:';

jest.setTimeout(60_000);

describe('Activity module over the whole app (e2e)', () => {
  let app: NestExpressApplication;
  let http: ReturnType<NestExpressApplication['getHttpServer']>;

  beforeAll(async () => {
    app = await startTestApp();
    http = app.getHttpServer();
  });

  afterAll(() => app.close());

  const feedOf = async (todoId: string) => {
    const response = await request(http).get('/activity/feed?limit=100').expect(200);
    return (response.body as { items: FeedItem[] }).items.filter((item) => item.todoId === todoId);
  };

  const today = () => new Date().toISOString().slice(0, 10);

  const daily = async (): Promise<Daily['days'][number]> => {
    const response = await request(http)
      .get(`/activity/daily?from=${today()}&to=${today()}`)
      .expect(200);
    return (response.body as Daily).days[0] ?? { day: today(), created: 0, completed: 0 };
  };

  it('follows todo changes through the subscription API: a feed, newest first, and daily counts', async () => {
    const before = await daily();
    const title = `Activity ${randomUUID()}`;
    const created = await request(http).post('/todos').send({ title }).expect(201);
    const id = (created.body as { id: string }).id;
    await request(http)
      .patch(`/todos/${id}`)
      .send({ title: `${title} (renamed)` })
      .expect(200);
    await request(http).post(`/todos/${id}/complete`).expect(200);

    const items = await waitFor('three changes in the feed', async () => {
      const found = await feedOf(id);
      return found.length === 3 ? found : undefined;
    });
    expect(items.map((item) => [item.change, item.title])).toEqual([
      ['completed', undefined],
      ['renamed', `${title} (renamed)`],
      ['created', title],
    ]);
    expect(items[0]!.position).toBeGreaterThan(items[2]!.position);

    const after = await daily();
    expect(after.created).toBeGreaterThanOrEqual(before.created + 1);
    expect(after.completed).toBeGreaterThanOrEqual(before.completed + 1);
  });

  it('defaults to the last 30 days up to today', async () => {
    const response = await request(http).get('/activity/daily').expect(200);
    const body = response.body as Daily;
    expect(body.to).toBe(today());
    expect((Date.parse(body.to) - Date.parse(body.from)) / 86_400_000).toBe(29);
  });

  it.each([
    ['/activity/daily?from=2026-02-30', 400, 'validation-error'],
    ['/activity/daily?from=yesterday', 400, 'validation-error'],
    ['/activity/daily?from=2026-11-30&to=2026-11-01', 400, 'activity-range-invalid'],
    ['/activity/daily?from=2020-01-01&to=2026-01-01', 400, 'activity-range-invalid'],
    ['/activity/daily?days=3', 400, 'validation-error'],
    ['/activity/feed?limit=0', 400, 'validation-error'],
    ['/activity/feed?limit=abc', 400, 'validation-error'],
    ['/activity/feed?limit=101', 400, 'validation-error'],
  ])('GET %s is a %i problem (%s)', async (url, status, slug) => {
    const response = await request(http).get(url);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `${TYPE}${slug}`, status });
  });
});
