import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class GetTodoQueryDto {
  @ApiPropertyOptional({
    description:
      'Time travel: the todo as it was right after its event number `version` (folded from the ' +
      'event log). Leave out for the current state.',
    minimum: 1,
    type: Number,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  version?: number;
}
