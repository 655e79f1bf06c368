import { STATUS_CODES } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { HTTP_PROBLEMS, OTHER_CLIENT_ERROR, REQUEST_PROBLEMS } from './problem-details.filter';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details';
import type { ProblemDetails } from './problem-details';

/**
 * The answer to a request that Node's HTTP parser refused before any middleware saw it: raw
 * non-ASCII bytes in the URL, headers over Node's limit, a line that is not HTTP. Node would
 * answer a bare status without a body; the API promises problem+json with a documented type.
 */
export function parserProblem(code: string): ProblemDetails {
  switch (code) {
    case 'HPE_INVALID_URL':
      return {
        type: problemType(REQUEST_PROBLEMS.malformedUrl.slug),
        title: REQUEST_PROBLEMS.malformedUrl.title,
        status: REQUEST_PROBLEMS.malformedUrl.status,
        detail: 'The URL has characters that must be percent-encoded as UTF-8.',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        type: problemType(OTHER_CLIENT_ERROR.slug),
        title: OTHER_CLIENT_ERROR.title,
        status: 431,
        detail: 'The request headers are larger than the server accepts.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        type: problemType(OTHER_CLIENT_ERROR.slug),
        title: OTHER_CLIENT_ERROR.title,
        status: 408,
        detail: 'The request did not arrive in time.',
      };
    default: {
      const badRequest = HTTP_PROBLEMS[400] ?? OTHER_CLIENT_ERROR;
      return {
        type: problemType(badRequest.slug),
        title: badRequest.title,
        status: 400,
        detail: 'The request is not valid HTTP/1.1.',
      };
    }
  }
}

/** Answers the parser's refusals on `server` with problem+json (see `parserProblem`). */
export function answerParserErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing to answer to: the client is gone, or a response is already under way.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const problem = parserProblem(error.code ?? '');
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
