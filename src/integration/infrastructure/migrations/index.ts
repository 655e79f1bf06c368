import { IntegrationWebhooks1764231000003 } from './1764231000003-integration-webhooks';

/** The integration module's tables. */
export const INTEGRATION_MIGRATIONS = [IntegrationWebhooks1764231000003];
