import type { RequestHandler } from 'express';
import { DEFAULT_TENANT } from '../database/tenant-scope';
import { currentRequestContext } from '../shared/application/request-context';
import { closeWithoutReadingBody } from '../shared/interface/http/unread-body';
import { API_KEY_HEADER } from './authenticator';
import type { Authenticator, Principal } from './authenticator';

/**
 * Authenticates every request whose path is not public before its body is read and before
 * routing: a client without valid credentials costs no body parse, and an unknown path answers
 * 401 like a known one, so it tells nothing about which routes exist. The subject, tenant and
 * scopes go into the request context (without authentication: tenant `default`, every scope);
 * `AuthGuard` stays behind it as a second check per route, and checks the route's scope.
 */
export function authenticate(
  authenticator: Authenticator,
  isPublic: (path: string) => boolean,
): RequestHandler {
  return (request, response, next) => {
    if (!authenticator.enabled) {
      actAs({ subject: undefined, tenant: DEFAULT_TENANT });
      next();
      return;
    }
    if (isPublic(request.path)) {
      next();
      return;
    }
    const apiKey = request.headers[API_KEY_HEADER];
    authenticator
      .authenticate({
        authorization: request.headers.authorization,
        apiKey: typeof apiKey === 'string' ? apiKey : undefined,
      })
      .then(
        (principal) => {
          actAs(principal);
          next();
        },
        (error: unknown) => {
          closeWithoutReadingBody(request, response);
          next(error);
        },
      );
  };
}

/** Puts who acts into the request context, where the database and the guard find it. */
export function actAs(
  principal: Omit<Principal, 'subject'> & { subject: string | undefined },
): void {
  const context = currentRequestContext();
  if (!context) return;
  if (principal.subject !== undefined) context.subject = principal.subject;
  context.tenant = principal.tenant;
  if (principal.scopes !== undefined) context.scopes = principal.scopes;
}
