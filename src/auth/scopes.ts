/**
 * What a credential may do. A route names the one scope it needs (`@RequiresScope`); a token or
 * key without it is refused with 403 `insufficient-scope`.
 */
export const SCOPES = [
  'todos:read',
  'todos:write',
  'lists:read',
  'lists:write',
  'activity:read',
  'events:read',
  'webhooks:manage',
  'admin:read',
] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/** What each scope allows, for the API document's security scheme. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'todos:read': 'Read todos (get, list, history, past versions).',
  'todos:write': 'Create, rename, complete, reopen and delete todos.',
  'lists:read': 'Read todo lists (get, list).',
  'lists:write':
    'Create, rename and archive todo lists; add todos to them and remove them. Archiving with ' +
    'completeOpenTodos completes the todos on behalf of the list.',
  'activity:read': 'Read the activity feed and daily counts.',
  'events:read': 'Follow the change feed: GET /events and its server-sent events.',
  'webhooks:manage': 'Register, change and remove webhook endpoints; see their deliveries.',
  'admin:read':
    "See where the service's readers of the log stand for the tenant (GET /admin/status): " +
    "projections, subscriptions and the publisher with the tenant's lag, and the tenant's " +
    'webhook endpoints with their positions.',
};
