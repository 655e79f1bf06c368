import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import express from 'express';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** The body was announced as JSON but is not valid JSON. */
export class MalformedBodyError extends Error {
  constructor() {
    super('The request body is not valid JSON.');
    this.name = 'MalformedBodyError';
  }
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Body handling for a JSON API: a request that carries a body must say it is JSON (else 415),
 * the body must parse (else 400) and fit in `limitBytes` (else 413). Errors are handed on as
 * typed exceptions, so the problem+json filter answers them like any other.
 */
export function jsonBody(limitBytes: number): (RequestHandler | ErrorRequestHandler)[] {
  const requireJson: RequestHandler = (request, _response, next) => {
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (hasBody && !request.is(JSON_TYPES)) {
      next(new UnsupportedMediaTypeException('Send the request body as application/json.'));
      return;
    }
    next();
  };
  const translateErrors: ErrorRequestHandler = (
    error: { type?: unknown },
    _request,
    _response,
    next,
  ) => {
    switch (error.type) {
      case 'entity.parse.failed':
        return next(new MalformedBodyError());
      case 'entity.too.large':
        return next(
          new PayloadTooLargeException(`The request body is larger than ${limitBytes} bytes.`),
        );
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return next(new UnsupportedMediaTypeException('Send the request body as UTF-8 JSON.'));
      default:
        return next(error);
    }
  };
  return [
    requireJson,
    express.json({ limit: limitBytes, strict: true, type: JSON_TYPES }),
    translateErrors,
  ];
}
