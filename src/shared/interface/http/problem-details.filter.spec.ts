import { ForbiddenException, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { PreconditionFailedError } from '../../../event-store';
import { ProblemDetailsFilter } from './problem-details.filter';
import { MalformedUrlError } from './well-formed-url';

/** What the filter answers for an exception, through a minimal express-like response. */
function answer(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent: { status: number; body: string } = { status: 0, body: '' };
  const response = {
    headersSent: false,
    headers: new Map<string, string>(),
    setHeader(name: string, value: string) {
      this.headers.set(name.toLowerCase(), value);
    },
    hasHeader(name: string) {
      return this.headers.has(name.toLowerCase());
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      sent.body = body;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ method: 'GET', originalUrl: '/todos' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return { status: sent.status, body: JSON.parse(sent.body) as Record<string, unknown> };
}

const PREFIX = 'urn:todo-service:problem:';

describe('ProblemDetailsFilter', () => {
  it('answers a malformed URL with its own type', () => {
    expect(answer(new MalformedUrlError())).toMatchObject({
      status: 400,
      body: { type: `${PREFIX}malformed-url`, status: 400 },
    });
  });

  it('maps a known status to its type', () => {
    expect(answer(new NotFoundException('Cannot GET /x')).body.type).toBe(`${PREFIX}not-found`);
  });

  it.each([new ForbiddenException('no'), new HttpException('teapot', 418)])(
    'answers any other 4xx with the one generic type, keeping the status',
    (exception) => {
      const { status, body } = answer(exception);
      expect(body).toMatchObject({ type: `${PREFIX}request-failed`, status });
      expect(status).toBe(exception.getStatus());
    },
  );

  it('answers an unknown 5xx as internal-error, without its message, which goes to the log', () => {
    // Captured rather than printed: the error line is expected here, and checked.
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { body } = answer(new HttpException('secret internals', 507));
      expect(body).toMatchObject({ type: `${PREFIX}internal-error`, status: 507 });
      expect(JSON.stringify(body)).not.toContain('secret');
      expect(logged).toHaveBeenCalledWith(
        expect.stringContaining('secret internals'),
        expect.any(String),
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('says that weak or foreign tags never match when no listed version could', () => {
    const { status, body } = answer(new PreconditionFailedError('t-1', [], 4));
    expect(status).toBe(412);
    expect(body.detail).toMatch(/weak entity tags .* never match/);
    expect(body.detail).toContain('"4"');
    expect(answer(new PreconditionFailedError('t-1', [2, 3], 4)).body.detail).toBe(
      't-1 is at version 4, not 2 or 3 as required.',
    );
  });
});
