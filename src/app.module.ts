import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ActivityModule } from './activity/activity.module';
import { DatabaseModule } from './database/database.module';
import type { DatabaseOptions } from './database/database.options';
import { EventStoreModule } from './event-store';
import type { SubscriptionOptions } from './event-store';
import { SharedModule } from './shared/shared.module';
import { TodoModule } from './todo/todo.module';

export type AppOptions = {
  database: DatabaseOptions;
  /** Background subscription workers; on by default. */
  subscriptions?: Partial<SubscriptionOptions>;
};

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        DatabaseModule.forRoot(options.database),
        EventStoreModule.configure(options.subscriptions ?? {}),
        SharedModule,
        TodoModule,
        ActivityModule,
      ],
    };
  }
}
