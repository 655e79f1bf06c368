import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestApp } from './support/app';
import { launchChromium } from './support/chromium';

/**
 * Swagger UI in a real headless Chromium (Debian's `chromium` package): authorize with an API
 * key, then create, rename, complete and list a todo with "Try it out", checking what the page
 * shows for each response. A screenshot is kept in test-artifacts/.
 */

const API_KEY = 'browser-test-api-key-0123456789';
const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');

jest.setTimeout(90_000);

describe('Swagger UI in a browser (e2e)', () => {
  let app: NestExpressApplication;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp({ auth: { apiKeys: [API_KEY] } });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Fail with the locator that did not appear, well before Jest's own timeout.
    page.setDefaultTimeout(15_000);
  });

  afterEach(async () => {
    // The page as it was at the end (also when a step failed), for a person to look at.
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'swagger-ui.png') });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Expands an operation, presses "Try it out", lets `fill` set inputs, and executes it. */
  const tryItOut = async (
    operationId: string,
    fill: (operation: Locator) => Promise<void>,
  ): Promise<{ status: string; body: string }> => {
    const operation = page.locator(`#operations-todos-${operationId}`);
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await fill(operation);
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table .response');
    await live.first().waitFor();
    const status = (await live.locator('.response-col_status').first().innerText()).trim();
    const body = await live.locator('.response-col_description pre').first().innerText();
    return { status, body };
  };

  it('authorizes, then creates, renames, completes and lists a todo with Try it out', async () => {
    await page.goto(`${base}/docs`);
    await page.locator('.opblock').first().waitFor();
    // A lock on each closed operation, none on the probes, which stay open.
    await expect(
      page.locator('#operations-todos-TodoController_create .authorization__btn').count(),
    ).resolves.toBe(1);
    await expect(
      page.locator('#operations-health-HealthController_live .authorization__btn').count(),
    ).resolves.toBe(0);

    await page.locator('.btn.authorize').first().click();
    const dialog = page.locator('.modal-ux');
    const apiKeyBox = dialog.locator('.auth-container').filter({ hasText: 'X-API-Key' });
    await apiKeyBox.locator('input').fill(API_KEY);
    await apiKeyBox.locator('button.authorize').click();
    await apiKeyBox.getByText('Authorized', { exact: true }).waitFor();
    await dialog.locator('button.close-modal').click();

    const created = await tryItOut('TodoController_create', async (operation) => {
      await operation.locator('textarea.body-param__text').fill('{"title": "Try it in a browser"}');
    });
    expect(created.status).toBe('201');
    const todo = JSON.parse(created.body) as { id: string; title: string; version: number };
    expect(todo).toMatchObject({ title: 'Try it in a browser', version: 1 });

    // Conditional writes: each one names the version it was based on (the ETag it last saw).
    const renamed = await tryItOut('TodoController_changeTitle', async (operation) => {
      await operation.locator('tr[data-param-name="id"] input').fill(todo.id);
      await operation.locator('tr[data-param-name="If-Match"] input').fill('"1"');
      await operation
        .locator('textarea.body-param__text')
        .fill('{"title": "Renamed in a browser"}');
    });
    expect(renamed.status).toBe('200');
    expect(JSON.parse(renamed.body)).toMatchObject({ title: 'Renamed in a browser', version: 2 });

    const completed = await tryItOut('TodoController_complete', async (operation) => {
      await operation.locator('tr[data-param-name="id"] input').fill(todo.id);
      await operation.locator('tr[data-param-name="If-Match"] input').fill('"2"');
    });
    expect(completed.status).toBe('200');
    expect(JSON.parse(completed.body)).toMatchObject({ completed: true, version: 3 });

    const listed = await tryItOut('TodoController_list', async (operation) => {
      await operation.locator('tr[data-param-name="completed"] select').selectOption('true');
      // Other suites complete todos on the same database meanwhile: a full page keeps ours on it.
      await operation.locator('tr[data-param-name="limit"] input').fill('100');
    });
    expect(listed.status).toBe('200');
    const list = JSON.parse(listed.body) as { items: { id: string }[] };
    expect(list.items.map((item) => item.id)).toContain(todo.id);
    await page
      .locator('#operations-todos-TodoController_list .live-responses-table')
      .scrollIntoViewIfNeeded();
  });
});

describe('Swagger UI in a browser, authentication off (e2e)', () => {
  let app: NestExpressApplication;
  let browser: Browser;

  beforeAll(async () => {
    app = await startTestApp();
    await app.listen(0, '127.0.0.1');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows no Authorize button and no lock, and names schemas without the Dto suffix', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    const port = (app.getHttpServer().address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/docs`);
    await page.locator('.opblock').first().waitFor();
    await expect(page.locator('.opblock').count()).resolves.toBeGreaterThan(8);
    await expect(page.locator('.btn.authorize').count()).resolves.toBe(0);
    await expect(page.locator('.authorization__btn').count()).resolves.toBe(0);

    // The Schemas section is open by default.
    const models = page.locator('section.models');
    await models.locator('#model-TodoResponse').waitFor();
    await expect(models.locator('[id$="Dto"]').count()).resolves.toBe(0);
  });
});
