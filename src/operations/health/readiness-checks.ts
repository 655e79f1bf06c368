import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

/** One readiness check: resolves with its result, `down` when the service should get no traffic. */
export type ReadinessCheck = () => Promise<HealthIndicatorResult>;

/**
 * Every check `GET /health/ready` runs. The database check is registered by the health module;
 * other modules add theirs at start-up (e.g. a projection's lag behind the event log) with
 * `register`, in an `onModuleInit`.
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`Readiness check "${name}" is already registered.`);
    this.checks.set(name, check);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }

  /** From now on the service reports not ready, so a load balancer stops sending traffic. */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
