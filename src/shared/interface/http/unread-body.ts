import type { Request, Response } from 'express';

/** Whether the request announced a body (which may not have been read yet). */
export function announcesBody(request: Request): boolean {
  return (
    request.headers['transfer-encoding'] !== undefined ||
    Number(request.headers['content-length'] ?? 0) > 0
  );
}

/**
 * For a request refused before its body was read: the connection closes after the answer, so
 * the client cannot keep streaming a body nobody will read, and the next request on it cannot
 * be mistaken for the rest of this body.
 */
export function closeWithoutReadingBody(request: Request, response: Response): void {
  if (announcesBody(request)) response.setHeader('Connection', 'close');
}
