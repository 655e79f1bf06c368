/** Stable identifiers of every problem this service reports (RFC 9457 `type`). */
export const PROBLEM_TYPE_PREFIX = 'urn:todo-service:problem:';

export function problemType(slug: string): string {
  return `${PROBLEM_TYPE_PREFIX}${slug}`;
}

/** The `type` slug of a domain error code: `TODO_NOT_FOUND` → `todo-not-found`. */
export function slugOfCode(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

export type FieldError = {
  /** Path of the offending input: a body property (`title`), a query parameter or a path part. */
  field: string;
  messages: string[];
};

/** An RFC 9457 problem details object, sent as `application/problem+json`. */
export type ProblemDetails = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** The stable domain error code, when a business rule was broken. */
  code?: string;
  /** Every invalid input, for validation problems. */
  errors?: FieldError[];
  [extension: string]: unknown;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
