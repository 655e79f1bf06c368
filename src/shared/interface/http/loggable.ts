import type { IncomingHttpHeaders } from 'node:http';

/** Longest header value written to a log; the rest is cut, and how much is said. */
export const MAX_LOGGED_HEADER_LENGTH = 256;
/** Longest URL written to a log. */
export const MAX_LOGGED_URL_LENGTH = 2048;

export const REDACTED = '[redacted]';

/**
 * Parameter and header names whose values are credentials. Matched on the words of a name
 * (`api_key`, `apiKey`, `X-Amz-Signature` → api/key, amz/signature) and on fragments inside a
 * word (`accesstoken`, `passwd`), so that new spellings of the same thing are caught too.
 */
const SECRET_FRAGMENTS = [
  'key',
  'token',
  'secret',
  'passw',
  'signature',
  'credential',
  'session',
  'jwt',
];
const SECRET_WORDS = new Set([
  'auth',
  'authn',
  'authz',
  'authorization',
  'bearer',
  'code',
  'cookie',
  'hash',
  'hmac',
  'mfa',
  'nonce',
  'otp',
  'pass',
  'pin',
  'private',
  'pwd',
  'salt',
  'sid',
  'sig',
  'totp',
]);
/** Header names that look secret by the rules above but are not. */
const PUBLIC_HEADERS = new Set(['idempotency-key']);

export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  const joined = words.join('');
  return SECRET_FRAGMENTS.some((fragment) => joined.includes(fragment));
}

/** Cuts a value a client chose to a length a log line can afford. */
export function truncateForLog(value: string, max = MAX_LOGGED_HEADER_LENGTH): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}…[${value.length - max} more characters]`;
}

/**
 * The URL as it may be logged: values of secret-looking query parameters replaced by
 * `[redacted]` (names are kept, so the log still shows that one was sent), and cut in length.
 */
export function urlForLog(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return truncateForLog(url, MAX_LOGGED_URL_LENGTH);
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      if (!isSecretName(decodeName(rawName))) return pair;
      return equals < 0 ? pair : `${rawName}=${REDACTED}`;
    })
    .join('&');
  return truncateForLog(`${url.slice(0, queryAt)}?${query}`, MAX_LOGGED_URL_LENGTH);
}

// Header names repeat from request to request (Node gives them in lowercase), and the words of a
// name are split by regular expressions: each name's answer is kept, up to a bound.
const SECRET_HEADER_CACHE_SIZE = 512;
const secretHeaders = new Map<string, boolean>();

function isSecretHeader(name: string): boolean {
  let secret = secretHeaders.get(name);
  if (secret === undefined) {
    secret = isSecretName(name) && !PUBLIC_HEADERS.has(name);
    if (secretHeaders.size >= SECRET_HEADER_CACHE_SIZE) secretHeaders.clear();
    secretHeaders.set(name, secret);
  }
  return secret;
}

/** Request headers as they may be logged: credentials redacted, long values cut. */
export function headersForLog(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const loggable: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (isSecretHeader(name)) {
      loggable[name] = REDACTED;
    } else {
      loggable[name] = Array.isArray(value)
        ? value.map((item) => truncateForLog(item))
        : truncateForLog(value);
    }
  }
  return loggable;
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
