import { ConfigError } from './config';
import { listenErrorOf } from './listen-check';

const failure = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('listenErrorOf', () => {
  it.each([
    ['EADDRINUSE', 3000, undefined, /^Port 3000 is already in use: .*PORT=3001/],
    ['EADDRINUSE', 8080, '127.0.0.1', /^Port 8080 is already in use on 127\.0\.0\.1: .*PORT=8081/],
    ['EACCES', 80, undefined, /^Not allowed to listen on port 80 \(ports below 1024 .*PORT=3000/],
    ['EADDRNOTAVAIL', 3000, '10.9.9.9', /^Cannot listen on HOST=10\.9\.9\.9: no network interface/],
    ['ENOTFOUND', 3000, 'no-such-host.invalid', /^Cannot listen on HOST=no-such-host\.invalid: /],
  ])('explains %s on port %d (HOST %s) in one line', (code, port, host, message) => {
    const error = listenErrorOf(failure(code), port, host);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
  });

  it('leaves other errors alone', () => {
    expect(listenErrorOf(failure('EMFILE'), 3000, undefined)).toBeUndefined();
    expect(listenErrorOf('not an error', 3000, undefined)).toBeUndefined();
  });
});
