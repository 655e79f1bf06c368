import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { EventLog } from '../../../event-store';
import type { PositionedEvent } from '../../../event-store';
import { Clock } from '../../../shared/application/clock';
import { backoffDelay } from '../../domain/backoff';
import { sleep } from '../../application/sleep';
import { tenantOf } from '../../application/event-tenant';
import { INTEGRATION_SETTINGS, INTEGRATION_WORKERS } from '../../application/integration-settings';
import type { IntegrationSettings } from '../../application/integration-settings';
import { WebhookStore } from '../../application/webhooks/webhook';
import type { NewDelivery, WebhookEndpoint } from '../../application/webhooks/webhook';
import { WebhookDelivery } from '../../application/webhooks/webhook-delivery';
import { WebhookTransport } from '../../application/webhooks/webhook-transport';

/** Endpoints one process delivers to at the same time. */
const MAX_CONCURRENT_ENDPOINTS = 16;
const BATCH = 100;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 60 * 60 * 1000;
const STOP_GRACE_MS = 5000;
/**
 * Pause after a batch that emptied the visible log before reading on: under a stream of writes
 * each read then brings the events of this long instead of one or two, so reads, delivery records
 * and position updates are paid per batch rather than per event.
 */
const WEBHOOK_LINGER_MS = 20;

/**
 * Delivers the log to every enabled endpoint, each from its own place in it: events in log
 * order (so in order per stream), one at a time, the place moved on only after the receiver
 * answered 2xx: at least once. A failure stops that endpoint alone, which retries the same event
 * with exponential backoff and jitter until `WEBHOOK_RETRY_FOR` has passed since its first
 * failure, then is disabled with the reason. An endpoint is leased to one process at a time
 * (renewed while it is served), so several instances share the endpoints.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly owner = randomUUID();
  private readonly stopping = new AbortController();
  private readonly running = new Map<string, Promise<void>>();
  private loop?: Promise<void>;
  private readonly leaseMs: number;

  constructor(
    private readonly store: WebhookStore,
    private readonly log: EventLog,
    private readonly delivery: WebhookDelivery,
    private readonly transport: WebhookTransport,
    private readonly clock: Clock,
    @Inject(INTEGRATION_SETTINGS) private readonly settings: IntegrationSettings,
    @Inject(INTEGRATION_WORKERS) private readonly enabled: boolean,
  ) {
    // Renewed every third of it while the endpoint is served, so an instance that dies frees
    // its endpoints within one lease; a request never outlasts it.
    this.leaseMs = Math.max(15_000, settings.webhooks.timeoutMs * 3);
  }

  onApplicationBootstrap(): void {
    const { allowHttp, allowPrivateNetworks } = this.settings.webhooks;
    if (allowHttp) this.logger.warn('WEBHOOK_ALLOW_HTTP is on: webhooks may be sent unencrypted.');
    if (allowPrivateNetworks) {
      this.logger.warn(
        'WEBHOOK_ALLOW_PRIVATE_NETWORKS is on: webhooks may reach loopback, private and ' +
          'link-local addresses (including cloud metadata services).',
      );
    }
    if (this.enabled) this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    const work = Promise.all([this.loop, ...this.running.values()]);
    const grace = new AbortController();
    await Promise.race([work, sleep(STOP_GRACE_MS, grace.signal)]);
    grace.abort();
    this.transport.close();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        const room = MAX_CONCURRENT_ENDPOINTS - this.running.size;
        const due =
          room > 0
            ? await this.store.claimDue(this.owner, this.leaseMs, room, [...this.running.keys()])
            : [];
        for (const endpoint of due) {
          const task = this.serve(endpoint).finally(() => this.running.delete(endpoint.id));
          this.running.set(endpoint.id, task);
        }
      } catch (error) {
        this.logger.warn(`Looking for due webhooks failed: ${describe(error)}`);
      }
      await sleep(this.settings.webhooks.pollIntervalMs, this.stopping.signal);
    }
  }

  private async serve(leased: WebhookEndpoint): Promise<void> {
    let endpoint = leased;
    let lost = false;
    const renewal = setInterval(() => {
      this.store.renew(leased.tenant, leased.id, this.owner, this.leaseMs).then(
        (held) => (lost ||= !held),
        () => undefined,
      );
    }, this.leaseMs / 3);
    try {
      for (;;) {
        if (lost) return;
        // Every event is read, and those of other types passed over, so the endpoint's place
        // (and its lag in status and metrics) follows the whole log.
        const events = await this.log.read({
          after: endpoint.position,
          limit: BATCH,
          acrossTenants: true,
        });
        if (events === undefined) {
          await this.fail(endpoint, 'its position is no longer in the log', true);
          return;
        }
        if (events.length === 0) return;
        // Attempts are recorded and the place moved once per batch, in one statement: a crash
        // re-sends at most the batch's delivered events, which at-least-once allows.
        const attempts: NewDelivery[] = [];
        let reached: number | undefined;
        let failure: NewDelivery | undefined;
        let failures = endpoint.attempts;
        for (const event of events) {
          if (this.stopping.signal.aborted || lost) break;
          if (this.wants(endpoint, event)) {
            const attempt = await this.delivery.attempt(endpoint, event, failures + 1);
            attempts.push(attempt);
            if (attempt.outcome === 'failed') {
              failure = attempt;
              break;
            }
            failures = 0;
          }
          reached = event.globalPosition;
        }
        if (attempts.length > 0 || reached !== undefined) {
          const moved = await this.store.settle(
            endpoint.tenant,
            endpoint.id,
            this.owner,
            attempts,
            reached,
            this.leaseMs,
          );
          // Not moved though it should have: deleted, or the lease went to another instance.
          if (reached !== undefined && !moved) return;
        }
        if (reached !== undefined) {
          endpoint = { ...endpoint, position: reached, attempts: 0, failingSince: null };
        }
        if (failure) {
          await this.failed(endpoint, failure);
          return;
        }
        if (this.stopping.signal.aborted) return;
        if (events.length < BATCH) await sleep(WEBHOOK_LINGER_MS, this.stopping.signal);
      }
    } catch (error) {
      this.logger.warn(`Webhook ${endpoint.id}: ${describe(error)}`);
    } finally {
      clearInterval(renewal);
      await this.store.release(endpoint.tenant, endpoint.id, this.owner).catch(() => undefined);
    }
  }

  private wants(endpoint: WebhookEndpoint, event: PositionedEvent): boolean {
    return (
      tenantOf(event) === endpoint.tenant &&
      (endpoint.types.length === 0 || endpoint.types.includes(event.type))
    );
  }

  private async failed(endpoint: WebhookEndpoint, attempt: NewDelivery): Promise<void> {
    const now = this.clock.now();
    const since = endpoint.failingSince ? new Date(endpoint.failingSince) : now;
    const retryForMs = this.settings.webhooks.retryForSeconds * 1000;
    const giveUp = now.getTime() - since.getTime() >= retryForMs;
    const reason = `deliveries failed since ${since.toISOString()}; last error: ${attempt.error ?? 'unknown'}`;
    await this.fail(endpoint, reason, giveUp, since, attempt.attempt);
  }

  private async fail(
    endpoint: WebhookEndpoint,
    reason: string,
    disable: boolean,
    since = this.clock.now(),
    attempts = endpoint.attempts + 1,
  ): Promise<void> {
    const pause = backoffDelay(attempts, RETRY_BASE_MS, RETRY_MAX_MS, Math.random);
    await this.store.failed(endpoint.tenant, endpoint.id, this.owner, {
      attempts,
      failingSince: since,
      retryAt: new Date(this.clock.now().getTime() + pause),
      ...(disable ? { disabledReason: reason.slice(0, 1000) } : {}),
    });
    if (disable) this.logger.error(`Webhook ${endpoint.id} disabled: ${reason}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
