import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';

export class GetTodoQueryDto {
  @ApiPropertyOptional({
    description:
      'Time travel: the todo as it was right after its event number `version` (folded from the ' +
      'event log). Leave out for the current state.',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, Number.MAX_SAFE_INTEGER)
  version?: number;
}
