import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ActivityModule } from './activity/activity.module';
import { DatabaseModule } from './database/database.module';
import type { DatabaseOptions } from './database/database.options';
import type { WriteSettings } from './shared/application/write-settings';
import { EventStoreModule } from './event-store';
import type { SubscriptionOptions } from './event-store';
import { SharedModule } from './shared/shared.module';
import { TodoModule } from './todo/todo.module';

export type AppOptions = {
  database: DatabaseOptions;
  /** Unset fields take the defaults of `DEFAULT_WRITE_SETTINGS`. */
  write?: Partial<WriteSettings>;
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
        SharedModule.forRoot(options.write),
        EventStoreModule.configure(options.subscriptions ?? {}),
        TodoModule,
        ActivityModule,
      ],
    };
  }
}
