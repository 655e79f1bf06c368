import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';
import {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
} from '../../../application/queries/get-todo-history.query';

export class TodoHistoryQueryDto {
  @ApiPropertyOptional({
    description: 'Only events after this sequence: the `nextAfter` of the previous page.',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER - 1,
    default: 0,
    type: 'integer',
  })
  @IsOptional()
  // The next page starts at after + 1, which must still be an exact integer.
  @IsDecimalInteger(0, Number.MAX_SAFE_INTEGER - 1)
  after?: number;

  @ApiPropertyOptional({
    description: 'Page size.',
    minimum: 1,
    maximum: HISTORY_LIMIT_MAX,
    default: HISTORY_LIMIT_DEFAULT,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, HISTORY_LIMIT_MAX)
  limit?: number;
}
