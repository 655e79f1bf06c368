/**
 * What sort of rule was broken. Adapters translate it (HTTP: 400, 404, 409, 410, 412, 422), so the
 * domain stays free of transport concerns.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'not_found'
  | 'conflict'
  /** The caller's condition on the current state (e.g. the version it last saw) is false. */
  | 'precondition_failed'
  /** Well-formed, but cannot be processed as asked (e.g. a reused idempotency key). */
  | 'unprocessable'
  /** The resource existed and was removed for good (e.g. a deleted todo). */
  | 'gone';

/**
 * Base of every business-rule violation. `code` is stable and part of the public contract:
 * adapters (HTTP, CLI) map it to their own error shapes, so the domain never knows about them.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    /** Extra machine-readable facts about the violation, safe to show to a client. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
