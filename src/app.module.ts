import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ActivityModule } from './activity/activity.module';
import { DatabaseModule } from './database/database.module';
import type { DatabaseOptions } from './database/database.options';
import type { WriteSettings } from './shared/application/write-settings';
import { EventStoreModule } from './event-store';
import type { SubscriptionOptions } from './event-store';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import type { AuthConfig } from './config';
import { migrations } from './migrations';
import { HealthModule } from './operations/health/health.module';
import { MetricsModule } from './operations/metrics/metrics.module';
import { SharedModule } from './shared/shared.module';
import { TodoModule } from './todo/todo.module';

export type AppOptions = {
  database: DatabaseOptions;
  /** Unset fields take the defaults of `DEFAULT_WRITE_SETTINGS`. */
  write?: Partial<WriteSettings>;
  /** Background subscription workers; on by default. */
  subscriptions?: Partial<SubscriptionOptions>;
  /** Requests per client per window; `limit: 0` turns rate limiting off. Default: off. */
  rateLimit?: { limit: number; windowMs: number };
  /** Unset or empty: the API is open. */
  auth?: AuthConfig;
};

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const rateLimit = options.rateLimit ?? { limit: 0, windowMs: 60_000 };
    // Global guards run in this order: the rate limit first, so clients guessing credentials are
    // limited too; then authentication, which closes every route not marked public.
    const guards: Provider[] = [
      ...(rateLimit.limit > 0 ? [{ provide: APP_GUARD, useClass: ThrottlerGuard }] : []),
      { provide: APP_GUARD, useClass: AuthGuard },
    ];
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        DatabaseModule.forRoot(options.database, migrations),
        SharedModule.forRoot(options.write),
        EventStoreModule.configure(
          options.subscriptions ?? {},
          options.write?.idempotencyKeyTtlSeconds === undefined
            ? {}
            : { idempotencyKeyTtlSeconds: options.write.idempotencyKeyTtlSeconds },
        ),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: rateLimit.windowMs, limit: Math.max(rateLimit.limit, 1) }],
        }),
        HealthModule,
        MetricsModule,
        AuthModule.forRoot(options.auth ?? { apiKeys: [] }),
        TodoModule,
        ActivityModule,
      ],
      providers: guards,
    };
  }
}
