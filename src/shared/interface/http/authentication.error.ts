/** Credentials are missing or wrong; answered with 401 and a `WWW-Authenticate` challenge. */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    /** The `WWW-Authenticate` header value, naming every scheme the service accepts. */
    readonly challenge: string,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * Valid credentials that do not allow the request: 403. `tenant-required` when a token names no
 * tenant; `insufficient-scope` (with the RFC 6750 challenge naming the scope) when the
 * credential lacks the route's scope.
 */
export class AuthorizationError extends Error {
  constructor(
    readonly problem: 'tenant-required' | 'insufficient-scope',
    message: string,
    /** The `WWW-Authenticate` header value, when the refusal has one. */
    readonly challenge?: string,
  ) {
    super(message);
    this.name = 'AuthorizationError';
  }
}
