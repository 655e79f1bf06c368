import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/**
 * Body of create and rename. Only the type is checked here; the title's rules (trimmed,
 * 1..200 characters, no control characters) belong to the domain and report
 * `TODO_TITLE_INVALID`.
 */
export class TodoTitleDto {
  @ApiProperty({
    description: 'Trimmed, 1..200 characters, no control characters.',
    example: 'Buy milk',
    minLength: 1,
    maxLength: 200,
  })
  @IsString()
  title!: string;
}
