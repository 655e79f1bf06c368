import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { NAME_MAX_LENGTH, NAME_RULE } from '../../../domain/list-name';

/**
 * Body of create and rename. Only the type is checked here; the name's rules belong to the
 * domain and report `LIST_NAME_INVALID`.
 */
export class ListNameDto {
  @ApiProperty({
    description: NAME_RULE,
    example: 'Groceries',
    minLength: 1,
    maxLength: NAME_MAX_LENGTH,
  })
  @IsString()
  name!: string;
}
