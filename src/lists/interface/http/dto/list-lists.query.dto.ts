import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';
import { LISTS_LIMIT_DEFAULT, LISTS_LIMIT_MAX } from '../../../application/queries/list-lists';

export class ListListsQueryDto {
  @ApiPropertyOptional({
    description: 'Only archived (true) or active (false) lists.',
    type: Boolean,
  })
  @IsOptional()
  // Only the literal strings count; "yes", "1" or a repeated parameter stay invalid.
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'archived must be true or false' })
  archived?: boolean;

  @ApiPropertyOptional({
    description: 'Page size.',
    minimum: 1,
    maximum: LISTS_LIMIT_MAX,
    default: LISTS_LIMIT_DEFAULT,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, LISTS_LIMIT_MAX)
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
