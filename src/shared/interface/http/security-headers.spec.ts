import type { Request, Response } from 'express';
import helmet from 'helmet';
import { securityHeaders } from './security-headers';

type Operation = [string, unknown];

/** A response that records what is done to its headers. */
function recordingResponse(): { response: Response; operations: Operation[] } {
  const operations: Operation[] = [];
  const response = {
    setHeader(name: string, value: unknown) {
      operations.push([name, value]);
      return response;
    },
    removeHeader(name: string) {
      operations.push([name, undefined]);
    },
  };
  return { response: response as unknown as Response, operations };
}

describe('security headers', () => {
  const options = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };

  it('sets exactly the headers helmet sets, in its order', () => {
    const byHelmet = recordingResponse();
    helmet(options)({} as Request, byHelmet.response, () => undefined);
    const replayed = recordingResponse();
    const next = jest.fn();
    securityHeaders(options)({} as Request, replayed.response, next);

    expect(byHelmet.operations.length).toBeGreaterThan(10);
    expect(replayed.operations).toEqual(byHelmet.operations);
    expect(next).toHaveBeenCalledWith();
  });

  it('refuses, at start-up, options whose headers depend on the request', () => {
    expect(() =>
      securityHeaders({
        contentSecurityPolicy: {
          directives: { scriptSrc: [(request) => `'nonce-${String(request.headers.host)}'`] },
        },
      }),
    ).toThrow(/read the request/);
  });
});
