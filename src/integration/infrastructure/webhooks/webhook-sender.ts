import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { WebhookTransport } from '../../application/webhooks/webhook-transport';
import type { DeliveryRequest, DeliveryResult } from '../../application/webhooks/webhook-transport';
import {
  forbiddenAddress,
  ForbiddenAddressError,
  guardedLookup,
  literalAddress,
} from './address-guard';

/** How much of a receiver's answer is read (kept for the delivery log); the rest is dropped. */
const MAX_RESPONSE_BYTES = 4096;

/**
 * Sends one signed webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`) and says how it went.
 * Never follows a redirect (a 3xx is a failure), connects only to addresses the guard allows
 * (checked on the resolved address itself), gives up after `timeoutMs` in all, and reads at most
 * a few KB of the answer. Never throws.
 */
export class WebhookSender extends WebhookTransport {
  private readonly guarded = {
    http: new http.Agent({ keepAlive: true, lookup: guardedLookup() }),
    https: new https.Agent({ keepAlive: true, lookup: guardedLookup() }),
  };
  private readonly open = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };

  async send(delivery: DeliveryRequest): Promise<DeliveryResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const url = new URL(delivery.url);
      const literal = literalAddress(url);
      const refused = literal && !delivery.allowPrivateNetworks && forbiddenAddress(literal);
      if (refused) throw new ForbiddenAddressError(url.hostname, refused);
      const timestamp = new Date();
      // Standard Webhooks: several signatures, space-separated; a receiver accepts any one.
      const signature = delivery.secrets
        .map((secret) => new Webhook(secret).sign(delivery.messageId, timestamp, delivery.body))
        .join(' ');
      const { statusCode, body } = await this.post(url, delivery, {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'user-agent': 'todo-service-webhooks/1',
        'webhook-id': delivery.messageId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      });
      const ok = statusCode >= 200 && statusCode < 300;
      return {
        ok,
        statusCode,
        durationMs: elapsed(),
        ...(ok ? {} : { error: `HTTP ${statusCode}${body ? `: ${body.slice(0, 200)}` : ''}` }),
      };
    } catch (error) {
      return {
        ok: false,
        durationMs: elapsed(),
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  override close(): void {
    for (const agent of [...Object.values(this.guarded), ...Object.values(this.open)]) {
      agent.destroy();
    }
  }

  private post(
    url: URL,
    delivery: DeliveryRequest,
    headers: Record<string, string>,
  ): Promise<{ statusCode: number; body: string }> {
    const secure = url.protocol === 'https:';
    const agents = delivery.allowPrivateNetworks ? this.open : this.guarded;
    const send = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(url, {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'content-length': Buffer.byteLength(delivery.body) },
      });
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${delivery.timeoutMs} ms`)),
        delivery.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          clearTimeout(timer);
          resolve({
            statusCode: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
          size += chunk.length;
          if (size >= MAX_RESPONSE_BYTES) {
            // Enough: the connection is not reused, and the rest is never read.
            finish();
            response.destroy();
          }
        });
        response.on('end', finish);
        response.on('error', finish);
      });
      request.end(delivery.body);
    });
  }
}
