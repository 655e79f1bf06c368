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
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import type { AuthConfig } from './config';
import { migrations } from './migrations';
import { IntegrationModule } from './integration/integration.module';
import type { IntegrationSettings } from './integration/application/integration-settings';
import { ListsModule } from './lists/lists.module';
import { AdminModule } from './operations/admin/admin.module';
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
  /** Unset or empty: the API is open. */
  auth?: AuthConfig;
  /** Change feed, server-sent events, webhooks and the broker publisher (no broker when unset). */
  integration?: Partial<IntegrationSettings>;
};

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    // Rate limiting and authentication run earlier, as HTTP middleware before the body is read
    // (see app.factory.ts); this guard closes every route not marked public behind them.
    const guards: Provider[] = [{ provide: APP_GUARD, useClass: AuthGuard }];
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
        HealthModule,
        MetricsModule,
        AuthModule.forRoot(options.auth ?? { apiKeys: [] }),
        TodoModule,
        ActivityModule,
        IntegrationModule.forRoot(options.integration, options.subscriptions?.enabled ?? true),
        ListsModule,
        AdminModule,
      ],
      providers: guards,
    };
  }
}
