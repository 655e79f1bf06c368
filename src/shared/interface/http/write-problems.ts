import { applyDecorators } from '@nestjs/common';
import { ApiProblem, PROBLEM_EXAMPLES as P } from './api-problem.decorator';
import type { ProblemDetails } from './problem-details';

/**
 * OpenAPI documentation of the problems every aggregate's writes share, worded once so that a
 * new module's writes answer, and say, the same. A route adds only its own (400, 409, 410).
 */

/** 503 `stream-busy`: `what` (e.g. "todo") lost to concurrent writes, or no database. */
export const ApiStreamBusy = (what: string): MethodDecorator =>
  ApiProblem(
    503,
    `The ${what} is too contended right now (concurrent writes kept winning), or the database is unavailable; retry after Retry-After.`,
    [P.streamBusy],
  );

/** 422: the Idempotency-Key was used for another request. */
export const ApiIdempotencyKeyReused = (): MethodDecorator =>
  ApiProblem(422, 'The Idempotency-Key was already used for a different request.', [
    P.idempotencyReused,
  ]);

/** What an idempotent create answers beside its 201 and its 400. */
export const ApiCreateProblems = (what: string): MethodDecorator =>
  applyDecorators(
    ApiProblem(409, 'A request with the same Idempotency-Key is still being processed.', [
      P.idempotencyInFlight,
    ]),
    ApiIdempotencyKeyReused(),
    ApiStreamBusy(what),
  );

/**
 * What a write on an existing `what` answers beside its own 400 and 409: 404 (`notFound`), 412
 * and 428 (If-Match), 422 when it takes an Idempotency-Key, and 503.
 */
export const ApiExistingWriteProblems = (
  what: string,
  notFound: ProblemDetails,
  options: { idempotent: boolean },
): MethodDecorator =>
  applyDecorators(
    ApiProblem(404, `No ${what} has this id.`, [notFound]),
    ApiProblem(412, `If-Match names a version the ${what} is no longer at; nothing was written.`, [
      P.preconditionFailed,
    ]),
    ...(options.idempotent ? [ApiIdempotencyKeyReused()] : []),
    ApiProblem(428, 'REQUIRE_IF_MATCH is on and the request has no If-Match.', [
      P.preconditionRequired,
    ]),
    ApiStreamBusy(what),
  );
