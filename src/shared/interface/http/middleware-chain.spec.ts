import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { middlewareChain } from './middleware-chain';

const request = {} as Request;
const response = {} as Response;

/** Runs the chain once and answers what reached express's `next`. */
function run(handlers: RequestHandler[]): Promise<unknown[]> {
  return new Promise((resolve) => {
    const next: NextFunction = (...args: unknown[]) => resolve(args);
    middlewareChain(handlers)(request, response, next);
  });
}

describe('middlewareChain', () => {
  it('runs each middleware in order, then goes on to the next layer', async () => {
    const seen: string[] = [];
    const record =
      (name: string): RequestHandler =>
      (_request, _response, next) => {
        seen.push(name);
        next();
      };
    await expect(run([record('a'), record('b'), record('c')])).resolves.toEqual([]);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('skips the rest when a middleware passes an error to next', async () => {
    const error = new Error('refused');
    const after = jest.fn();
    const result = await run([(_q, _s, next) => next(error), after]);
    expect(result).toEqual([error]);
    expect(after).not.toHaveBeenCalled();
  });

  it('skips the rest when a middleware throws', async () => {
    const error = new Error('thrown');
    const after = jest.fn();
    const result = await run([
      () => {
        throw error;
      },
      after,
    ]);
    expect(result).toEqual([error]);
    expect(after).not.toHaveBeenCalled();
  });

  it('skips the rest when an async middleware rejects', async () => {
    const error = new Error('rejected');
    const after = jest.fn();
    // eslint-disable-next-line @typescript-eslint/require-await
    const rejecting: RequestHandler = async () => {
      throw error;
    };
    const result = await run([rejecting, after]);
    expect(result).toEqual([error]);
    expect(after).not.toHaveBeenCalled();
  });

  it('stops where a middleware answers without calling next', async () => {
    const after = jest.fn();
    let answered = false;
    middlewareChain([
      () => {
        answered = true;
      },
      after,
    ])(request, response, () => {
      throw new Error('next must not be called');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(true);
    expect(after).not.toHaveBeenCalled();
  });

  it('goes straight on with no middlewares', async () => {
    await expect(run([])).resolves.toEqual([]);
  });
});
