import { isUtf8 } from 'node:buffer';
import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import express from 'express';
import type { RequestHandler } from 'express';

/** The body was announced as JSON but is not valid JSON. */
export class MalformedBodyError extends Error {
  constructor(message = 'The request body is not valid JSON.') {
    super(message);
    this.name = 'MalformedBodyError';
  }
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * Body handling for a JSON API: a request that carries a body must say it is JSON (else 415),
 * the body must parse (else 400) and fit in `limitBytes` (else 413). Errors are handed on as
 * typed exceptions, so the problem+json filter answers them like any other. Arrays and objects
 * nested deeper than `maxDepth` are refused before any code walks them.
 */
export function jsonBody(limitBytes: number, maxDepth = 16): RequestHandler {
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    type: JSON_TYPES,
    // JSON between systems is UTF-8 (RFC 8259 §8.1). The decoder would replace invalid bytes
    // with U+FFFD and store a text the client never sent, so the raw bytes are checked first.
    verify: (_request, _response, bytes, encoding) => {
      if (encoding.toLowerCase() !== 'utf-8') throw typed('charset.unsupported');
      if (!isUtf8(bytes)) throw typed('entity.encoding.invalid');
    },
  });
  const translate = (error: { type?: unknown; status?: unknown }): unknown => {
    if (error.type === undefined && error.status === 400) {
      // A body that could not be read as announced: corrupt gzip/deflate data, a size that does
      // not match Content-Length, a client that went away mid-body.
      return new MalformedBodyError('The request body could not be read as announced.');
    }
    switch (error.type) {
      case 'entity.parse.failed':
        return new MalformedBodyError();
      case 'entity.encoding.invalid':
        return new MalformedBodyError('The request body is not valid UTF-8.');
      case 'entity.too.large':
        return new PayloadTooLargeException(`The request body is larger than ${limitBytes} bytes.`);
      case 'request.size.invalid':
      case 'request.aborted':
        return new MalformedBodyError('The request body could not be read as announced.');
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return new UnsupportedMediaTypeException('Send the request body as UTF-8 JSON.');
      default:
        return error;
    }
  };
  // One middleware rather than a chain of four: most requests (every GET) carry no body and
  // leave at the first check, without passing through the router's layers for the others.
  return (request, response, next) => {
    const hasBody =
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length'] ?? 0) > 0;
    if (!hasBody) {
      next();
      return;
    }
    if (!request.is(JSON_TYPES)) {
      next(new UnsupportedMediaTypeException('Send the request body as application/json.'));
      return;
    }
    parse(request, response, (error?: unknown) => {
      if (error !== undefined && error !== null) {
        next(translate(error));
      } else if (depthOf(request.body, maxDepth) > maxDepth) {
        next(new MalformedBodyError(`The request body is nested deeper than ${maxDepth} levels.`));
      } else {
        next();
      }
    });
  };
}

/** An error that body-parser passes on with this `type`, for `translate` to map. */
function typed(type: string): Error {
  return Object.assign(new Error(type), { type });
}

/** Nesting depth of parsed JSON, counted iteratively and only up to just past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, here]);
  }
  return deepest;
}
