import { Inject, Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { Database } from '../../database/database';
import { ReadinessChecks } from './readiness-checks';

const PING_TIMEOUT_MS = 2000;

/** Ready only while PostgreSQL answers a trivial query quickly. */
@Injectable()
export class DatabaseHealth implements OnModuleInit {
  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessChecks,
  ) {}

  onModuleInit(): void {
    this.readiness.register('database', () => this.check());
  }

  async check(): Promise<HealthIndicatorResult> {
    const session = this.indicators.check('database');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.database.query('SELECT 1'),
        new Promise((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)),
            PING_TIMEOUT_MS,
          );
        }),
      ]);
      return session.up();
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
