import { currentTenantScope, runInTenantScope } from '../../database/tenant-scope';

/** What is known about the request (or CLI invocation) that is being served. */
export type RequestContext = {
  /** Correlates logs and events of one request; echoed as `X-Request-Id`. */
  requestId: string;
  /**
   * Who is acting, once authentication has established it (`jwt:<sub>` or `api-key:<name>`);
   * recorded in the metadata of every event the request writes.
   */
  subject?: string;
  /**
   * Whose data the request may touch, from the credential (or `default` without
   * authentication). Every database statement of the request runs under it.
   */
  tenant?: string;
  /** What the credential allows (`todos:read`, ...); undefined: everything. */
  scopes?: ReadonlySet<string>;
};

/**
 * Runs `work` with `context` visible to everything it calls, however deep; its tenant and
 * subject (also once filled in later) are the database's tenant scope.
 *
 * The context is the tenant scope itself, in the one store: on Node 20 every store of an
 * `AsyncLocalStorage` is copied onto every promise created while it is set, and a request creates
 * a few hundred.
 */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return runInTenantScope(context, work);
}

/** The context of the current request, if any (a tenant scope set outside a request is none). */
export function currentRequestContext(): RequestContext | undefined {
  const scope = currentTenantScope();
  return scope !== undefined && typeof (scope as Partial<RequestContext>).requestId === 'string'
    ? (scope as RequestContext)
    : undefined;
}

/** Every row and message without a tenant of its own belongs to this one. */
export const DEFAULT_TENANT = 'default';

/** The tenant the current request acts for. */
export function currentTenant(): string {
  return currentRequestContext()?.tenant ?? DEFAULT_TENANT;
}
