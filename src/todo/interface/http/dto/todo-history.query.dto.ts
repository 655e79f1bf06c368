import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  HISTORY_LIMIT_DEFAULT,
  HISTORY_LIMIT_MAX,
} from '../../../application/queries/get-todo-history.query';

export class TodoHistoryQueryDto {
  @ApiPropertyOptional({
    description: 'Only events after this sequence: the `nextAfter` of the previous page.',
    minimum: 0,
    default: 0,
    type: Number,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({
    description: 'Page size.',
    minimum: 1,
    maximum: HISTORY_LIMIT_MAX,
    default: HISTORY_LIMIT_DEFAULT,
    type: Number,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(HISTORY_LIMIT_MAX)
  limit?: number;
}
