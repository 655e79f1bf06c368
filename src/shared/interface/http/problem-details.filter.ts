import { Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventStoreError, PreconditionFailedError } from '../../../event-store';
import type { EventStoreErrorKind } from '../../../event-store';
import { DomainError } from '../../domain/domain-error';
import type { DomainErrorKind } from '../../domain/domain-error';
import { PROBLEM_CONTENT_TYPE, problemType, slugOfCode } from './problem-details';
import type { ProblemDetails } from './problem-details';
import { AuthenticationError, AuthorizationError } from './authentication.error';
import { databaseFaultOf } from './database-unavailable';
import { MalformedBodyError } from './json-body';
import { urlForLog } from './loggable';
import { RequestValidationError } from './request-validation.error';
import { MalformedUrlError } from './well-formed-url';

const STATUS_BY_KIND: Record<DomainErrorKind | EventStoreErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  precondition_failed: HttpStatus.PRECONDITION_FAILED,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  gone: HttpStatus.GONE,
  busy: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Problem types of the request errors this filter knows by class. */
export const REQUEST_PROBLEMS = {
  validation: { slug: 'validation-error', title: 'Invalid request', status: 400 },
  malformedBody: { slug: 'malformed-body', title: 'Malformed request body', status: 400 },
  malformedUrl: { slug: 'malformed-url', title: 'Malformed URL', status: 400 },
  unauthorized: { slug: 'unauthorized', title: 'Unauthorized', status: 401 },
  tenantRequired: { slug: 'tenant-required', title: 'Tenant required', status: 403 },
  insufficientScope: { slug: 'insufficient-scope', title: 'Insufficient scope', status: 403 },
  internal: { slug: 'internal-error', title: 'Internal server error', status: 500 },
} as const satisfies Record<string, { slug: string; title: string; status: number }>;

/**
 * A refusal with a status that has no entry below. Listed so that the set of problem types this
 * service can answer stays finite, and documented.
 */
export const OTHER_CLIENT_ERROR = { slug: 'request-failed', title: 'Request failed' } as const;

/**
 * Problem types for failures that happen before or outside the domain, by HTTP status: the
 * statuses that Nest, the body parser, the guards and the health checks raise.
 */
export const HTTP_PROBLEMS: Readonly<Record<number, { slug: string; title: string }>> = {
  400: { slug: 'bad-request', title: 'Bad request' },
  401: { slug: 'unauthorized', title: 'Unauthorized' },
  404: { slug: 'not-found', title: 'Not found' },
  413: { slug: 'payload-too-large', title: 'Payload too large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported media type' },
  428: { slug: 'precondition-required', title: 'Precondition required' },
  429: { slug: 'too-many-requests', title: 'Too many requests' },
  503: { slug: 'service-unavailable', title: 'Service unavailable' },
};

/** Seconds a client should wait before retrying a 503 or 429 that did not say otherwise. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The single place where errors become HTTP responses: every error leaves as RFC 9457
 * problem+json with a stable `type`. Unexpected errors are logged and reported as a bare 500,
 * without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const { type, title, status, detail, ...extensions } = this.toProblem(exception);
    const problem = { type, title, status, detail, instance: request.originalUrl, ...extensions };

    const requestId = (request as { id?: string }).id;
    const url = urlForLog(request.originalUrl);
    if (databaseFaultOf(exception)) {
      // Expected while PostgreSQL restarts or is overloaded; a stack per request would flood the log.
      this.logger.warn(`${request.method} ${url} failed: ${describe(exception)}`);
    } else if (problem.status >= 500 && problem.status !== 503) {
      this.logger.error(
        `${request.method} ${url} failed (request ${requestId ?? 'unknown'}): ${describe(exception)}`,
        exception instanceof Error ? exception.stack : undefined,
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    // A failed If-Match tells the client which version to reload (RFC 9110 allows the ETag).
    if (exception instanceof PreconditionFailedError) {
      response.setHeader('ETag', `"${exception.currentVersion}"`);
    }
    if (exception instanceof AuthenticationError) {
      response.setHeader('WWW-Authenticate', exception.challenge);
    }
    if (exception instanceof AuthorizationError && exception.challenge !== undefined) {
      response.setHeader('WWW-Authenticate', exception.challenge);
    }
    if ((status === 503 || status === 429) && !response.hasHeader('Retry-After')) {
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof RequestValidationError) {
      return {
        ...problemOf(REQUEST_PROBLEMS.validation),
        detail: `The request has invalid input: ${exception.errors.map((e) => e.field).join(', ')}.`,
        errors: exception.errors,
      };
    }
    if (exception instanceof MalformedBodyError) {
      return { ...problemOf(REQUEST_PROBLEMS.malformedBody), detail: exception.message };
    }
    if (exception instanceof MalformedUrlError) {
      return { ...problemOf(REQUEST_PROBLEMS.malformedUrl), detail: exception.message };
    }
    if (exception instanceof AuthenticationError) {
      return { ...problemOf(REQUEST_PROBLEMS.unauthorized), detail: exception.message };
    }
    if (exception instanceof AuthorizationError) {
      const known =
        exception.problem === 'tenant-required'
          ? REQUEST_PROBLEMS.tenantRequired
          : REQUEST_PROBLEMS.insufficientScope;
      return { ...problemOf(known), detail: exception.message };
    }
    const fault = databaseFaultOf(exception);
    if (fault) {
      return {
        type: problemType(fault.slug),
        title: fault.title,
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: fault.detail,
      };
    }
    if (exception instanceof DomainError || exception instanceof EventStoreError) {
      return {
        type: problemType(slugOfCode(exception.code)),
        title: titleOf(exception.code),
        status: STATUS_BY_KIND[exception.kind],
        detail: detailOf(exception),
        code: exception.code,
        ...exception.details,
      };
    }
    if (exception instanceof HttpException) {
      return httpProblem(exception.getStatus(), messageOf(exception));
    }
    return { ...problemOf(REQUEST_PROBLEMS.internal), detail: INTERNAL_DETAIL };
  }
}

const INTERNAL_DETAIL = 'An unexpected error occurred. It has been logged.';

function problemOf(known: { slug: string; title: string; status: number }): {
  type: string;
  title: string;
  status: number;
} {
  return { type: problemType(known.slug), title: known.title, status: known.status };
}

function httpProblem(status: number, detail: string): ProblemDetails {
  const known = HTTP_PROBLEMS[status];
  if (known) return { ...problemOf({ ...known, status }), detail };
  if (status >= 500) {
    return { ...problemOf({ ...REQUEST_PROBLEMS.internal, status }), detail: INTERNAL_DETAIL };
  }
  return { ...problemOf({ ...OTHER_CLIENT_ERROR, status }), detail };
}

function detailOf(exception: DomainError | EventStoreError): string {
  if (exception instanceof PreconditionFailedError && exception.expectedVersions.length === 0) {
    // The list held only tags that cannot match; say why, in the header's own terms.
    return (
      'If-Match lists only weak entity tags (W/"...") or tags this service never issued, and ' +
      'those never match: a write compares tags strongly (RFC 9110 §13.1.1). The current ETag ' +
      `is "${exception.currentVersion}".`
    );
  }
  return exception.message;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return exception.message;
}

function titleOf(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
