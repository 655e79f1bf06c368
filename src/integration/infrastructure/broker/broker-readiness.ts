import { Inject, Injectable, Optional } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { EventLog, ProjectionAdmin } from '../../../event-store';
import { ReadinessChecks } from '../../../operations/health/readiness-checks';
import { MessageBroker } from '../../application/message-broker';
import { BrokerRelaySubscription } from './broker-relay.subscription';

/**
 * Reports the broker publisher in `GET /health/ready`: connected or not, and how far behind the
 * log it is (events and seconds). It stays `up` while the broker is away: the API serves
 * without it, and the relay catches up when it is back; the lag tells how far.
 */
@Injectable()
export class BrokerReadiness implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessChecks,
    private readonly indicators: HealthIndicatorService,
    private readonly admin: ProjectionAdmin,
    private readonly log: EventLog,
    private readonly relay: BrokerRelaySubscription,
    @Optional() @Inject(MessageBroker) private readonly broker?: MessageBroker,
  ) {}

  onModuleInit(): void {
    if (this.broker) this.readiness.register('broker', () => this.check());
  }

  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('broker');
    const lag = await this.lag();
    return session.up({ broker: this.broker?.name, connected: this.broker?.connected, ...lag });
  }

  /** Events the relay has not published yet, and the age in seconds of the oldest of them. */
  async lag(): Promise<{ lagEvents: number; lagSeconds: number }> {
    const status = (await this.admin.status()).find((each) => each.name === this.relay.name);
    const behind = await this.log.lag(status?.checkpoint ?? 0, 100_000, true);
    const oldest = behind?.oldest;
    return {
      lagEvents: behind?.events ?? 0,
      lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
    };
  }
}
