import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { PROBLEM_TYPE_PREFIX } from '../src/shared/interface/http/problem-details';
import { startTestApp } from './support/app';
import { ROOT, problemTypesOfCode } from './support/problem-types';

/** The slugs in the first column of the README's error table (the table headed by `type`). */
function readmeErrorTable(): Set<string> {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\|\s*`type`/.test(line));
  expect(header).toBeGreaterThanOrEqual(0);
  const slugs = new Set<string>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const firstCell = line.split('|')[1] ?? '';
    for (const match of firstCell.matchAll(/`([a-z0-9-]+)`/g)) slugs.add(match[1]!);
  }
  return slugs;
}

const TYPE_IN_TEXT = new RegExp(`${PROBLEM_TYPE_PREFIX}([a-z0-9-]+)`, 'g');

describe('Problem types: every one the code can answer is documented (e2e)', () => {
  let app: NestExpressApplication;
  let openApiText: string;
  const ofCode = problemTypesOfCode();

  beforeAll(async () => {
    app = await startTestApp();
    const document = await request(app.getHttpServer()).get('/docs-json').expect(200);
    openApiText = JSON.stringify(document.body);
  });

  afterAll(() => app.close());

  it('finds the types of each source: domain errors, problem tables, database faults', () => {
    // If the derivation broke, the checks below would pass on nothing.
    for (const slug of [
      'todo-not-found', // a DomainError subclass
      'concurrency-conflict', // one in the event store
      'validation-error', // the filter's own
      'malformed-url',
      'not-found', // by HTTP status
      'request-failed', // the fallback
      'database-timeout',
    ]) {
      expect(ofCode.has(slug)).toBe(true);
    }
  });

  it('the README error table lists each one, and nothing else', () => {
    const documented = readmeErrorTable();
    const missing = [...ofCode].filter(([slug]) => !documented.has(slug));
    expect(missing).toEqual([]);
    expect([...documented].filter((slug) => !ofCode.has(slug))).toEqual([]);
  });

  it('the OpenAPI document lists each one, and nothing else', () => {
    const documented = new Set([...openApiText.matchAll(TYPE_IN_TEXT)].map((match) => match[1]!));
    const missing = [...ofCode].filter(([slug]) => !documented.has(slug));
    expect(missing).toEqual([]);
    expect([...documented].filter((slug) => !ofCode.has(slug))).toEqual([]);
  });
});
