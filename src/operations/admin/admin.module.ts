import { Module } from '@nestjs/common';
import { EventStoreModule } from '../../event-store';
import { StatusController } from './status.controller';

/** `GET /admin/status`: operations a tenant's credential may see (scope `admin:read`). */
@Module({
  imports: [EventStoreModule],
  controllers: [StatusController],
})
export class AdminModule {}
