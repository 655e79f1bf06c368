import type { Response } from 'supertest';

export const PROBLEM_CONTENT_TYPE = /^application\/problem\+json/;
export const PROBLEM_TYPE = 'urn:todo-service:problem:';

/** Asserts an RFC 9457 problem response with the given status and `type` slug; returns the body. */
export function expectProblem(
  response: Pick<Response, 'status' | 'headers' | 'body'>,
  status: number,
  slug?: string,
): Record<string, unknown> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(PROBLEM_CONTENT_TYPE);
  const body = response.body as Record<string, unknown>;
  expect(body).toMatchObject({ status });
  expect(String(body.type)).toMatch(new RegExp(`^${PROBLEM_TYPE}`));
  if (slug !== undefined) expect(body.type).toBe(`${PROBLEM_TYPE}${slug}`);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  // Nest's default error shape must never leak through.
  expect(body).not.toHaveProperty('statusCode');
  expect(body).not.toHaveProperty('message');
  return body;
}
