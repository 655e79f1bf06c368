import type { RequestHandler } from 'express';

// A whole path segment that is a UUID in any case; only those are rewritten.
const UUID_SEGMENT =
  /(?<=\/)[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?=\/|$)/g;

// Without an uppercase hex digit in the path there is nothing to rewrite (the common case).
const UPPERCASE_HEX = /[A-F]/;

/** The path with every UUID segment in lowercase; the query is left as it is. */
export function canonicalPath(url: string): string {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (!UPPERCASE_HEX.test(path)) return url;
  const rest = queryStart === -1 ? '' : url.slice(queryStart);
  return path.replace(UUID_SEGMENT, (id) => id.toLowerCase()) + rest;
}

/**
 * Spells every UUID in the request path in lowercase before anything else reads it, so that the
 * handlers, the idempotency fingerprint, the request log and the links built from the path all
 * see the one spelling the event log uses. `instance` in a problem still shows the URL as sent.
 */
export function canonicalIds(): RequestHandler {
  return (request, _response, next) => {
    const url = canonicalPath(request.url);
    if (url !== request.url) request.url = url;
    next();
  };
}
