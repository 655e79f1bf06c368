import type { Request } from 'express';

/**
 * The route pattern that served a request (`/todos/:id`), never the raw path: logs and metric
 * labels stay bounded whatever paths clients send. Requests no route matched share one label.
 */
export function routeOf(request: Request): string {
  const route = (request as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${request.baseUrl}${route.path}`;
  return 'unmatched';
}
