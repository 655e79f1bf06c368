import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from '../../../application/queries/list-todos.query';

export class ListTodosQueryDto {
  @ApiPropertyOptional({
    description: 'Only completed (true) or open (false) todos.',
    type: Boolean,
  })
  @IsOptional()
  // Only the literal strings count; "yes", "1" or a repeated parameter stay invalid.
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'completed must be true or false' })
  completed?: boolean;

  @ApiPropertyOptional({
    description: 'Page size.',
    minimum: 1,
    maximum: LIST_LIMIT_MAX,
    default: LIST_LIMIT_DEFAULT,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, LIST_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Opaque: the `nextCursor` of the previous page (also in its `Link: <…>; rel="next"`).',
    type: String,
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
