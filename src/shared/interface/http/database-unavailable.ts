/**
 * Recognises failures that mean "the database cannot serve this now" rather than "this request is
 * wrong": a restart, a dropped connection, a lock or statement timeout, an exhausted pool. The
 * client may retry them, so they are answered 503 with `Retry-After`. Only the shape of the error
 * is inspected (SQLSTATE, Node error code, driver message), so no driver is imported here.
 */
export const DATABASE_FAULT_SLUGS = ['database-unavailable', 'database-timeout'] as const;

export type DatabaseFault = {
  slug: (typeof DATABASE_FAULT_SLUGS)[number];
  title: string;
  detail: string;
};

// SQLSTATE class 08 (connection exceptions) is matched by prefix.
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is shutting down or restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up or in recovery
  '53300', // too_many_connections
]);
const LOCK_TIMEOUT = '55P03';
const STATEMENT_TIMEOUT = '57014';
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const DRIVER_MESSAGES: [RegExp, DatabaseFault['slug']][] = [
  [/timeout exceeded when trying to connect/i, 'database-timeout'],
  [/Connection terminated/i, 'database-unavailable'],
  [/connection error and is not queryable/i, 'database-unavailable'],
  [/Client was closed and is not queryable/i, 'database-unavailable'],
  [/Cannot use a pool after calling end/i, 'database-unavailable'],
];

const UNAVAILABLE: DatabaseFault = {
  slug: 'database-unavailable',
  title: 'Database unavailable',
  detail: 'The database is unavailable right now. Retry later.',
};

export function databaseFaultOf(error: unknown): DatabaseFault | undefined {
  for (const candidate of causes(error)) {
    const code = typeof candidate.code === 'string' ? candidate.code : undefined;
    if (code === LOCK_TIMEOUT) {
      return {
        slug: 'database-timeout',
        title: 'Database busy',
        detail: 'A lock held by another transaction was not released in time. Retry later.',
      };
    }
    if (code === STATEMENT_TIMEOUT) {
      return {
        slug: 'database-timeout',
        title: 'Database busy',
        detail: 'The database did not finish in time. Retry later.',
      };
    }
    if (
      code &&
      (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code))
    ) {
      return UNAVAILABLE;
    }
    const message = typeof candidate.message === 'string' ? candidate.message : '';
    const matched = DRIVER_MESSAGES.find(([pattern]) => pattern.test(message));
    if (matched?.[1] === 'database-timeout') {
      return {
        slug: 'database-timeout',
        title: 'Database busy',
        detail: 'No database connection became free in time. Retry later.',
      };
    }
    if (matched) return UNAVAILABLE;
  }
  return undefined;
}

type ErrorLike = { code?: unknown; message?: unknown; cause?: unknown };

/** The error and its causes, a few levels deep. */
function causes(error: unknown): ErrorLike[] {
  const found: ErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 8) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null) continue;
    const candidate = next as ErrorLike;
    found.push(candidate);
    queue.push(candidate.cause);
    if (next instanceof AggregateError) queue.push(...(next.errors as unknown[]));
  }
  return found;
}
