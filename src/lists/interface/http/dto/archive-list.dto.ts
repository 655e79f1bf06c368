import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class ArchiveListDto {
  @ApiPropertyOptional({
    description:
      'Then complete every open todo of the list. This happens after the archive is answered ' +
      '(a policy reacting to ListArchived), each todo exactly once; a todo completed or ' +
      'deleted meanwhile is skipped.',
    default: false,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  completeOpenTodos?: boolean;
}
