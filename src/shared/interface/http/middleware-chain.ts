import type { RequestHandler } from 'express';

/**
 * Several middlewares as one express layer. Express's router puts every request through each of
 * its layers with path matching and bookkeeping that allocates every time; the service's own
 * middlewares all apply to every path, so one layer can run them in turn. Each one is treated as
 * express treats a layer: an error given to `next`, thrown, or a rejected promise skips the rest
 * and goes on to express's error handling.
 */
export function middlewareChain(handlers: readonly RequestHandler[]): RequestHandler {
  return (request, response, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (handler === undefined) {
        next();
        return;
      }
      try {
        const result: unknown = handler(request, response, step);
        if (result instanceof Promise) {
          result.then(undefined, (rejection: unknown) =>
            next(rejection ?? new Error('Rejected promise')),
          );
        }
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
