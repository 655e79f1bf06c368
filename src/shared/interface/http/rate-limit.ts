import { HttpException, HttpStatus } from '@nestjs/common';
import type { RequestHandler } from 'express';
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
 * Limits requests per client address before anything else is done for them: before the body is
 * read, before authentication (so guessing credentials is limited too) and before routing (so
 * unknown paths count as well). `exempt` paths (probes) are never limited.
 */
export function rateLimit(
  limiter: FixedWindowRateLimiter,
  exempt: (path: string) => boolean,
): RequestHandler {
  const window = `${limiter.windowMs / 1000} s`;
  return (request, response, next) => {
    if (exempt(request.path)) {
      next();
      return;
    }
    const decision = limiter.take(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (decision.allowed) {
      next();
      return;
    }
    response.setHeader('Retry-After', String(decision.retryAfterSeconds));
    closeWithoutReadingBody(request, response);
    next(
      new HttpException(
        `Too many requests: at most ${limiter.limit} per ${window} from one client. ` +
          `Retry after ${decision.retryAfterSeconds} s.`,
        HttpStatus.TOO_MANY_REQUESTS,
      ),
    );
  };
}
