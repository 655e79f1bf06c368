import { Inject, Injectable } from '@nestjs/common';
import { INTEGRATION_SETTINGS } from './integration-settings';
import type { IntegrationSettings } from './integration-settings';

/**
 * Open event streams per tenant in this process, bounded so that one tenant's clients cannot
 * hold every connection (and every poll of the log) of the service.
 */
@Injectable()
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(@Inject(INTEGRATION_SETTINGS) private readonly settings: IntegrationSettings) {}

  /** A release function, or `undefined` when the tenant has no slot left. */
  take(tenant: string): (() => void) | undefined {
    const used = this.open.get(tenant) ?? 0;
    if (used >= this.settings.serverSentEvents.maxStreamsPerTenant) return undefined;
    this.open.set(tenant, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(tenant) ?? 1) - 1;
      if (left === 0) this.open.delete(tenant);
      else this.open.set(tenant, left);
    };
  }

  /** Streams open now, per tenant (for metrics). */
  count(): number {
    let total = 0;
    for (const used of this.open.values()) total += used;
    return total;
  }
}
