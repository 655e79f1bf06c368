import type { RequestHandler } from 'express';
import { currentRequestContext } from '../shared/application/request-context';
import { closeWithoutReadingBody } from '../shared/interface/http/unread-body';
import { API_KEY_HEADER } from './authenticator';
import type { Authenticator } from './authenticator';

/**
 * Authenticates every request whose path is not public before its body is read and before
 * routing: a client without valid credentials costs no body parse, and an unknown path answers
 * 401 like a known one, so it tells nothing about which routes exist. The subject goes into the
 * request context; `AuthGuard` stays behind it as a second check per route.
 */
export function authenticate(
  authenticator: Authenticator,
  isPublic: (path: string) => boolean,
): RequestHandler {
  return (request, response, next) => {
    if (!authenticator.enabled || isPublic(request.path)) {
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
        (subject) => {
          const context = currentRequestContext();
          if (context) context.subject = subject;
          next();
        },
        (error: unknown) => {
          closeWithoutReadingBody(request, response);
          next(error);
        },
      );
  };
}
