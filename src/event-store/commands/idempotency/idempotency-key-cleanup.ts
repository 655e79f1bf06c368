import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IdempotencyStore } from './idempotency-store';

const INTERVAL_MS = 10 * 60 * 1000;
const BATCH = 1000;
const MAX_BATCHES_PER_RUN = 100;

/**
 * Deletes expired idempotency records at start-up and every ten minutes, in bounded batches so
 * no run holds locks for long. Every instance runs it; `SKIP LOCKED` keeps them out of each
 * other's way. Expired records are already ignored when read, so the timing is not critical.
 */
@Injectable()
export class IdempotencyKeyCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdempotencyKeyCleanup');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly store: IdempotencyStore) {}

  onApplicationBootstrap(): void {
    this.schedule();
    this.timer = setInterval(() => this.schedule(), INTERVAL_MS);
    // The clean-up alone must not keep a process (e.g. the CLI) alive.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deletes every expired record (bounded); returns how many. */
  async run(): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const count = await this.store.deleteExpired(BATCH);
      deleted += count;
      if (count < BATCH) break;
    }
    return deleted;
  }

  private schedule(): void {
    if (this.running) return;
    this.running = this.run()
      .then((deleted) => {
        if (deleted > 0) this.logger.log(`Deleted ${deleted} expired idempotency keys.`);
        return deleted;
      })
      .catch((error: unknown) => {
        this.logger.warn(`Could not delete expired idempotency keys: ${String(error)}`);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
  }
}
