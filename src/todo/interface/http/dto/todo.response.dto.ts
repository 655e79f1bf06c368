import { ApiProperty } from '@nestjs/swagger';

export class TodoResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e' })
  id!: string;

  @ApiProperty({ example: 'Buy milk' })
  title!: string;

  @ApiProperty({ example: false })
  completed!: boolean;

  @ApiProperty({
    description: "The todo's version: the sequence number of its last event.",
    example: 1,
  })
  version!: number;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T10:00:00.000Z' })
  updatedAt!: string;
}

export class TodoListResponseDto {
  @ApiProperty({ type: [TodoResponseDto], description: 'Newest first.' })
  items!: TodoResponseDto[];
}
