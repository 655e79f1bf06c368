import { HttpException, HttpStatus } from '@nestjs/common';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { currentRequestContext } from '../../application/request-context';
import { closeWithoutReadingBody } from './unread-body';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts requests per client in fixed windows shared by all clients. The whole table is dropped
 * when a window ends, so memory is bounded by the clients seen in one window and no timer runs.
 */
export class FixedWindowRateLimiter {
  private counts = new Map<string, number>();
  private windowEndsAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(client: string): RateDecision {
    const now = this.now();
    if (now >= this.windowEndsAt) {
      this.counts = new Map();
      this.windowEndsAt = now + this.windowMs;
    }
    const count = (this.counts.get(client) ?? 0) + 1;
    if (count <= this.limit) {
      this.counts.set(client, count);
      return { allowed: true };
    }
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((this.windowEndsAt - now) / 1000)),
    };
  }
}

/**
 * Limits requests per client before the body is read and before routing (so unknown paths count
 * as well): per authenticated subject, so clients behind one address (a proxy, a NAT) do not
 * share a budget, and per address when anonymous. It runs after authentication; refused
 * credentials are counted per address by `rateLimitRefusals`, so guessing them is limited too.
 * `exempt` paths (probes) are never limited.
 */
export function rateLimit(
  limiter: FixedWindowRateLimiter,
  exempt: (path: string) => boolean,
): RequestHandler {
  return (request, response, next) => {
    if (exempt(request.path)) {
      next();
      return;
    }
    const subject = currentRequestContext()?.subject;
    next(
      refusal(
        limiter,
        request,
        response,
        subject === undefined ? addressOf(request) : `subject:${subject}`,
      ),
    );
  };
}

/** Counts a request refused by authentication against its address, and limits those too. */
export function rateLimitRefusals(
  limiter: FixedWindowRateLimiter,
  exempt: (path: string) => boolean,
): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    next(
      exempt(request.path)
        ? error
        : (refusal(limiter, request, response, addressOf(request)) ?? error),
    );
  };
}

function addressOf(request: Request): string {
  return `address:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`;
}

function refusal(
  limiter: FixedWindowRateLimiter,
  request: Request,
  response: Response,
  client: string,
): HttpException | undefined {
  const decision = limiter.take(client);
  if (decision.allowed) return undefined;
  response.setHeader('Retry-After', String(decision.retryAfterSeconds));
  closeWithoutReadingBody(request, response);
  return new HttpException(
    `Too many requests: at most ${limiter.limit} per ${limiter.windowMs / 1000} s from one client. ` +
      `Retry after ${decision.retryAfterSeconds} s.`,
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
