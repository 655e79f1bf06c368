/**
 * Every problem `type` this service answers, for the API document. The README's error table says
 * the same for readers; a test derives the types from the code (error classes and problem tables)
 * and checks that both list each one.
 */
export const PROBLEM_TYPES: readonly {
  slug: string;
  status: number | '4xx' | 'CLI';
  when: string;
}[] = [
  {
    slug: 'validation-error',
    status: 400,
    when: 'invalid fields, parameters or headers; `errors` lists each',
  },
  {
    slug: 'malformed-body',
    status: 400,
    when: 'the body is not valid UTF-8 JSON, is nested too deep, or cannot be read',
  },
  {
    slug: 'malformed-url',
    status: 400,
    when: 'the path or query has a percent-escape that is not UTF-8 (`%ff`, `%zz`)',
  },
  {
    slug: 'bad-request',
    status: 400,
    when: 'not valid HTTP, or refused before any route for another reason',
  },
  { slug: 'todo-title-invalid', status: 400, when: 'a title that breaks the title rule' },
  { slug: 'list-name-invalid', status: 400, when: 'a list name that breaks the name rule' },
  { slug: 'invalid-cursor', status: 400, when: 'a list cursor that is malformed or was altered' },
  {
    slug: 'event-position-unknown',
    status: 400,
    when: 'a change-feed position (`after`, `Last-Event-ID`) that names no event',
  },
  {
    slug: 'webhook-url-invalid',
    status: 400,
    when: 'a webhook URL that is not https, carries credentials, or points at a non-public address',
  },
  {
    slug: 'activity-range-invalid',
    status: 400,
    when: 'an activity range that is reversed or too long',
  },
  {
    slug: 'projection-not-rebuildable',
    status: 'CLI',
    when: 'a projection that cannot be rebuilt',
  },
  { slug: 'unauthorized', status: 401, when: 'missing or wrong credentials' },
  { slug: 'tenant-required', status: 403, when: 'a token without a valid tenant claim' },
  {
    slug: 'insufficient-scope',
    status: 403,
    when: "the credential lacks the operation's scope (`WWW-Authenticate` names it)",
  },
  { slug: 'todo-not-found', status: 404, when: 'no todo has this id' },
  { slug: 'list-not-found', status: 404, when: 'no list has this id' },
  { slug: 'todo-version-not-found', status: 404, when: 'the todo has no such version' },
  { slug: 'not-found', status: 404, when: 'no such route' },
  { slug: 'webhook-not-found', status: 404, when: 'no webhook of the tenant has this id' },
  {
    slug: 'webhook-delivery-not-found',
    status: 404,
    when: 'the webhook has no delivery attempt with this id',
  },
  { slug: 'projection-not-found', status: 'CLI', when: 'no projection has this name' },
  { slug: 'todo-already-exists', status: 409, when: 'a todo with this id already exists' },
  {
    slug: 'todo-already-completed',
    status: 409,
    when: 'the todo is completed; reopen it to change it',
  },
  { slug: 'list-already-exists', status: 409, when: 'a list with this id already exists' },
  { slug: 'list-full', status: 409, when: 'adding a todo to a list that holds 1000 todos' },
  { slug: 'list-archived', status: 409, when: 'changing an archived list' },
  { slug: 'todo-not-completed', status: 409, when: 'reopening a todo that is not completed' },
  {
    slug: 'concurrency-conflict',
    status: 409,
    when: 'an append at a stale version (todo writes retry, or answer 412 or 503)',
  },
  {
    slug: 'todo-deleted',
    status: 410,
    when: 'the todo was deleted; its history stays readable',
  },
  {
    slug: 'stream-type-mismatch',
    status: 409,
    when: 'the id belongs to an event stream of another type (another aggregate)',
  },
  {
    slug: 'idempotency-key-in-flight',
    status: 409,
    when: 'a request with this Idempotency-Key is still running',
  },
  {
    slug: 'projection-rebuild-in-progress',
    status: 'CLI',
    when: 'another process rebuilds this projection',
  },
  { slug: 'projection-not-parked', status: 'CLI', when: 'the subscription is not parked' },
  {
    slug: 'precondition-failed',
    status: 412,
    when: 'If-Match names no version the todo is at (weak tags never match)',
  },
  { slug: 'payload-too-large', status: 413, when: 'the body is over the size limit' },
  {
    slug: 'unsupported-media-type',
    status: 415,
    when: 'a body that is not UTF-8 `application/json`',
  },
  {
    slug: 'idempotency-key-reused',
    status: 422,
    when: 'the Idempotency-Key was used for another request',
  },
  {
    slug: 'precondition-required',
    status: 428,
    when: 'REQUIRE_IF_MATCH is on and a write has no If-Match',
  },
  { slug: 'too-many-requests', status: 429, when: 'over the rate limit' },
  {
    slug: 'request-failed',
    status: '4xx',
    when: 'any other 4xx (431 headers too large, 408, ...), named by `status`',
  },
  {
    slug: 'internal-error',
    status: 500,
    when: 'anything unexpected; logged, no internals returned',
  },
  {
    slug: 'database-unavailable',
    status: 503,
    when: 'PostgreSQL is restarting, down or dropping connections',
  },
  {
    slug: 'database-timeout',
    status: 503,
    when: 'a lock or statement timeout, or no free connection in time',
  },
  { slug: 'service-unavailable', status: 503, when: 'not ready, or shutting down' },
  {
    slug: 'stream-busy',
    status: 503,
    when: 'a write without If-Match kept losing races, or too many past-version reads wait',
  },
];

/** The list as Markdown, for a description in the API document. */
export function describeProblemTypes(prefix: string): string {
  return PROBLEM_TYPES.map(
    ({ slug, status, when }) => `- \`${prefix}${slug}\` (${status}): ${when}`,
  ).join('\n');
}
