import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './application/clock';
import { IdGenerator, UuidV4Generator } from './application/id-generator';

/** Cross-cutting services every module may inject; tests override them. */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: IdGenerator, useClass: UuidV4Generator },
  ],
  exports: [Clock, IdGenerator],
})
export class SharedModule {}
