import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { DATABASE_OPTIONS } from '../../database/database.options';
import type { DatabaseOptions } from '../../database/database.options';
import { connectAsWorker } from '../../database/worker-connection';
import { SubscriptionRegistry } from './subscription';
import { DEFAULT_SUBSCRIPTION_OPTIONS, SUBSCRIPTION_OPTIONS } from './subscription-options';
import type { SubscriptionOptions } from './subscription-options';
import { SubscriptionWorker } from './subscription-worker';
import { UpcasterRegistry } from '../core/upcaster';

/**
 * Starts a worker for every registered subscription once the application is up, and stops them
 * before it shuts down. Each worker uses a plain connection of its own, outside `Database`'s
 * pool: the only such connections at run time. It LISTENs and holds a session lock for as long
 * as the worker runs, which a pooled connection must not keep, and the pool serving requests is
 * never taken by background work.
 */
@Injectable()
export class SubscriptionRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Subscriptions');
  private workers: SubscriptionWorker[] = [];
  private readonly options: SubscriptionOptions;

  constructor(
    private readonly registry: SubscriptionRegistry,
    private readonly upcasters: UpcasterRegistry,
    @Inject(DATABASE_OPTIONS) private readonly database: DatabaseOptions,
    @Optional() @Inject(SUBSCRIPTION_OPTIONS) options?: Partial<SubscriptionOptions>,
  ) {
    this.options = { ...DEFAULT_SUBSCRIPTION_OPTIONS, ...options };
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    // The worker role reads the log of every tenant and writes under each event's tenant.
    const connect = () => connectAsWorker(this.database, 'todo-service-subscriptions');
    this.workers = this.registry
      .all()
      .map(
        (subscription) =>
          new SubscriptionWorker(subscription, connect, this.upcasters, this.options, this.logger),
      );
    for (const worker of this.workers) worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}
