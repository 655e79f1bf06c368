import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServiceRole } from './tenancy';

/**
 * Whose data the current work touches. `Database` sets both for every transaction it runs while
 * a scope with a tenant is active; without one, its statements run with no tenant and see (and
 * may write) no row of any tenant table.
 */
export type TenantScope = {
  readonly tenant?: string;
  /** The acting subject; idempotency keys are scoped to it within the tenant. */
  readonly subject?: string;
  /**
   * The role the statements run as, for this transaction only (default: the pool's, the
   * runtime role): background work names the worker role here, with or without a tenant.
   */
  readonly role?: ServiceRole;
};

const storage = new AsyncLocalStorage<TenantScope>();

/**
 * Runs `work` with `scope` visible to every `Database` call it makes, however deep. The scope is
 * read at each call, so an object filled in later (a tenant known only after authentication)
 * takes effect from then on.
 */
export function runInTenantScope<T>(scope: TenantScope, work: () => T): T {
  return storage.run(scope, work);
}

/** The tenant scope of the current work, if any. */
export function currentTenantScope(): TenantScope | undefined {
  return storage.getStore();
}

/**
 * What a tenant name may look like: it goes into settings, metadata, logs and cursors, so it is
 * short and plain (letters, digits, `.`, `_`, `-`, starting with a letter or digit).
 */
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The tenant of everything when no credential names one. */
export const DEFAULT_TENANT = 'default';
