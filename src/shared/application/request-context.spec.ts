import { runInTenantScope } from '../../database/tenant-scope';
import { currentRequestContext, currentTenant, runWithRequestContext } from './request-context';

describe('request context', () => {
  it('is the tenant scope of the request, also once filled in later', async () => {
    const context = { requestId: 'r-1' };
    const seen = await runWithRequestContext(context, async () => {
      await Promise.resolve();
      Object.assign(context, { tenant: 't-1' });
      return { context: currentRequestContext(), tenant: currentTenant() };
    });
    expect(seen.context).toBe(context);
    expect(seen.tenant).toBe('t-1');
  });

  it('is absent outside a request, also under a tenant scope of its own', () => {
    expect(currentRequestContext()).toBeUndefined();
    runInTenantScope({ tenant: 'worker' }, () => {
      expect(currentRequestContext()).toBeUndefined();
      expect(currentTenant()).toBe('default');
    });
  });
});
