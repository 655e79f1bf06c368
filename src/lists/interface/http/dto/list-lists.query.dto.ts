import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { ListTodosQueryDto } from '../../../../todo/interface/http/dto/list-todos.query.dto';

/** A page of lists: `limit` and `cursor` exactly as for todos, and an `archived` filter. */
export class ListListsQueryDto extends PickType(ListTodosQueryDto, ['limit', 'cursor'] as const) {
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
}
