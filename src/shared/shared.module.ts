import { Global, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { CommandEnvironment } from '../event-store';
import { Clock, SystemClock } from './application/clock';
import { ServiceCommandEnvironment } from './application/command-metadata';
import { IdGenerator, UuidV4Generator } from './application/id-generator';
import { DEFAULT_WRITE_SETTINGS, WriteSettings } from './application/write-settings';

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
        { provide: CommandEnvironment, useClass: ServiceCommandEnvironment },
      ],
      exports: [Clock, IdGenerator, WriteSettings, CommandEnvironment],
    };
  }
}
