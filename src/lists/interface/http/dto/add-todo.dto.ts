import { ApiProperty } from '@nestjs/swagger';
import { IsCanonicalUuid } from '../../../../shared/interface/http/validation';

export class AddTodoDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The todo to add at the end of the list; it must exist and not be deleted.',
    example: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  })
  @IsCanonicalUuid()
  todoId!: string;
}
