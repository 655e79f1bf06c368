import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { Clock, SystemClock } from './application/clock';
import { IdGenerator, UuidV4Generator } from './application/id-generator';
import { IdempotencyStore } from './application/idempotency-store';
import { IdempotentExecutor } from './application/idempotent-executor';
import { DEFAULT_WRITE_SETTINGS, WriteSettings } from './application/write-settings';
import { IdempotencyKeyCleanup } from './infrastructure/idempotency-key-cleanup';
import { PostgresIdempotencyStore } from './infrastructure/postgres-idempotency-store';

/** Cross-cutting services every module may inject; tests override them. */
@Global()
@Module({})
export class SharedModule {
  static forRoot(settings: Partial<WriteSettings> = {}): DynamicModule {
    return {
      module: SharedModule,
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: IdGenerator, useClass: UuidV4Generator },
        { provide: WriteSettings, useValue: { ...DEFAULT_WRITE_SETTINGS, ...settings } },
        { provide: IdempotencyStore, useClass: PostgresIdempotencyStore },
        IdempotentExecutor,
        IdempotencyKeyCleanup,
      ],
      exports: [Clock, IdGenerator, WriteSettings, IdempotentExecutor, IdempotencyKeyCleanup],
    };
  }
}
