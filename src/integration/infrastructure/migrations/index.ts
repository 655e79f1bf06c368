import { IntegrationWebhooks1764231000003 } from './1764231000003-integration-webhooks';
import { WebhookWorkerPerTenant1764231400003 } from './1764231400003-webhook-worker-per-tenant';
import { WebhookPreviousSecret1764231400004 } from './1764231400004-webhook-previous-secret';

/** The integration module's tables. */
export const INTEGRATION_MIGRATIONS = [
  IntegrationWebhooks1764231000003,
  WebhookWorkerPerTenant1764231400003,
  WebhookPreviousSecret1764231400004,
];
