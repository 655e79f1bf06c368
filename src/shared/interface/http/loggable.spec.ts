import { headersForLog, isSecretName, truncateForLog, urlForLog } from './loggable';

describe('what may be logged of a request', () => {
  it.each([
    'api_key',
    'apiKey',
    'API-KEY',
    'key',
    'token',
    'access_token',
    'id_token',
    'refreshToken',
    'secret',
    'client_secret',
    'password',
    'passwd',
    'pwd',
    'signature',
    'sig',
    'X-Amz-Signature',
    'X-Amz-Security-Token',
    'X-Goog-Credential',
    'auth',
    'authorization',
    'jwt',
    'session_id',
    'sid',
    'code',
    'otp',
    'private_key',
    'hmac',
  ])('treats the parameter %s as a secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each(['limit', 'after', 'version', 'cursor', 'completed', 'id', 'title', 'note', 'q'])(
    'keeps the parameter %s visible',
    (name) => {
      expect(isSecretName(name)).toBe(false);
    },
  );

  it('redacts the values of secret-looking query parameters, keeping their names and the rest', () => {
    expect(
      urlForLog('/todos?limit=5&api_key=s1&token=s2&access%5Ftoken=s3&cursor=c&Signature=s4&token'),
    ).toBe(
      '/todos?limit=5&api_key=[redacted]&token=[redacted]&access%5Ftoken=[redacted]&cursor=c&Signature=[redacted]&token',
    );
    expect(urlForLog('/todos/abc')).toBe('/todos/abc');
    expect(urlForLog('/todos?%zz=1&pass+word=x')).toBe('/todos?%zz=1&pass+word=[redacted]');
  });

  it('cuts long URLs and header values, saying how much was left out', () => {
    expect(truncateForLog('x'.repeat(10_240))).toBe(`${'x'.repeat(256)}…[9984 more characters]`);
    expect(urlForLog(`/todos?q=${'y'.repeat(5000)}`)).toHaveLength(
      2048 + '…[2960 more characters]'.length,
    );
  });

  it('redacts credential headers, cuts long values and keeps the idempotency key', () => {
    expect(
      headersForLog({
        authorization: 'Bearer abc',
        'proxy-authorization': 'Basic abc',
        cookie: 'a=b',
        'x-api-key': 'k',
        'x-auth-token': 't',
        'idempotency-key': 'replay-me',
        'x-request-id': 'r'.repeat(10_240),
        'user-agent': 'curl/8',
      }),
    ).toEqual({
      authorization: '[redacted]',
      'proxy-authorization': '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'x-auth-token': '[redacted]',
      'idempotency-key': 'replay-me',
      'x-request-id': `${'r'.repeat(256)}…[9984 more characters]`,
      'user-agent': 'curl/8',
    });
  });
});
