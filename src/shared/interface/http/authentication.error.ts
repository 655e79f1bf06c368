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
