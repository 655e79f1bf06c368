import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { TITLE_MAX_LENGTH, TITLE_RULE } from '../../../domain/todo-title';

/**
 * Body of create and rename. Only the type is checked here; the title's rules belong to the
 * domain and report `TODO_TITLE_INVALID`.
 */
export class TodoTitleDto {
  @ApiProperty({
    description: TITLE_RULE,
    example: 'Buy milk',
    minLength: 1,
    maxLength: TITLE_MAX_LENGTH,
  })
  @IsString()
  title!: string;
}
