import type { RequestHandler } from 'express';

/** The request target has percent-escapes that do not decode to UTF-8 (`/todos/%ff`, `?a=%zz`). */
export class MalformedUrlError extends Error {
  constructor() {
    super('The URL has a percent-escape that is not valid UTF-8 (such as %ff or %zz).');
    this.name = 'MalformedUrlError';
  }
}

/**
 * Refuses a request whose path or query cannot be decoded, before anything reads its body. The
 * router would fail on such a path parameter with its own message, and the query parser would
 * quietly turn the bytes into U+FFFD; both would reach a handler as something else than was sent.
 */
export function wellFormedUrl(): RequestHandler {
  return (request, _response, next) => {
    next(decodes(request.originalUrl) ? undefined : new MalformedUrlError());
  };
}

/** Whether every part of a request target decodes as percent-encoded UTF-8. */
export function decodes(target: string): boolean {
  // Only a percent-escape can fail to decode; most URLs have none.
  if (!target.includes('%')) return true;
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = queryStart === -1 ? '' : target.slice(queryStart + 1);
  try {
    decodeURIComponent(path);
    // Each name and value on its own, as the query parser splits them (`+` is a space there).
    for (const part of query.split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}
