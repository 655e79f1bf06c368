import { RequiresScope } from '../../../auth/requires-scope.decorator';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ProjectionAdmin } from '../../../event-store';
import type { ProjectionStatus } from '../../../event-store';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';

class LogReaderDto {
  @ApiProperty({ example: 'broker_nats_todo_events' }) name!: string;
  @ApiProperty({ description: '`inline`, `subscription` or `webhook`.', example: 'subscription' })
  kind!: string;
  @ApiProperty({
    description: '`running`, `parked`, `not started`; webhooks: `failing`, `disabled`.',
    example: 'running',
  })
  state!: string;
  @ApiProperty({ description: 'Position of the last event taken.', example: 1200 })
  checkpoint!: number;
  @ApiProperty({ description: 'Highest position in the log.', example: 1234 }) head!: number;
  @ApiProperty({ description: 'Events not taken yet.', example: 34 }) lag!: number;
  @ApiProperty({ example: 0 }) deadLetters!: number;
}

class LogReaderListDto {
  @ApiProperty({ type: [LogReaderDto] }) items!: LogReaderDto[];
}

/** Operators' view of every reader of the log (as `npm run cli -- projections status`). */
@RequiresScope('admin')
@ApiTags('operations')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('admin/log-readers')
export class ReadersController {
  constructor(private readonly admin: ProjectionAdmin) {}

  @Get()
  @ApiOperation({
    summary: 'Every projection, subscription, broker relay and webhook endpoint with its lag',
    description:
      'Where each reader of the log stands: its checkpoint, the head of the log and how many ' +
      'events it has still to take. Every tenant’s webhooks are listed: an operator’s route.',
  })
  @ApiOkResponse({ type: LogReaderListDto })
  async list(): Promise<{ items: ProjectionStatus[] }> {
    const items = (await this.admin.status()).map(({ rebuild: _rebuild, ...status }) => status);
    return { items };
  }
}
