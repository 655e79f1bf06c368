import type { RequestHandler } from 'express';
import helmet from 'helmet';

type HeaderValue = string | number | readonly string[];
type HeaderOperation = readonly [name: string, value: HeaderValue | undefined];

/**
 * helmet's headers, worked out once. helmet runs a dozen small middlewares per request, each
 * setting one header from options fixed at start-up (it never reads the request), so what they
 * do is recorded here once and replayed on every response: the same headers, without the calls.
 * A helmet that needed the request, or answered asynchronously, fails at start-up, not later.
 */
export function securityHeaders(options: Parameters<typeof helmet>[0]): RequestHandler {
  const operations: HeaderOperation[] = [];
  const recorder = {
    setHeader(name: string, value: HeaderValue) {
      operations.push([name, value]);
      return recorder;
    },
    removeHeader(name: string) {
      operations.push([name, undefined]);
    },
  };
  let done = false;
  const request = new Proxy(
    {},
    {
      get(_target, property) {
        throw new Error(`helmet read the request (${String(property)}): its headers vary`);
      },
    },
  );
  helmet(options)(request as never, recorder as never, (error?: unknown) => {
    if (error !== undefined)
      throw error instanceof Error ? error : new Error('helmet refused its options');
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be fixed');
  return (_request, response, next) => {
    for (const [name, value] of operations) {
      if (value === undefined) response.removeHeader(name);
      else response.setHeader(name, value);
    }
    next();
  };
}
