import type { PositionedEvent } from '../../event-store';
import { DEFAULT_TENANT } from '../../shared/application/request-context';

/** The tenant an event belongs to: recorded in its metadata, `default` for events from before. */
export function tenantOf(event: PositionedEvent): string {
  const tenant = event.metadata.tenant;
  return typeof tenant === 'string' && tenant !== '' ? tenant : DEFAULT_TENANT;
}
