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

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; `null` on the last page.',
    example: 'WyIyMDI2LTExLTI3VDEwOjAwOjAwLjAwMDAwMFoiLCIzZjFjIl0.c2lnbmF0dXJl',
  })
  nextCursor!: string | null;
}

export class TodoEventResponseDto {
  @ApiProperty({ description: "Position in the todo's stream, from 1.", example: 2 })
  sequence!: number;

  @ApiProperty({ example: 'TodoTitleChanged' })
  type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e', title: 'Buy oat milk' },
  })
  payload!: Record<string, unknown>;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "`command` that raised the event, `correlationId` (the request's X-Request-Id) and " +
      "`causationId` (that command's execution).",
    example: {
      command: 'ChangeTitle',
      correlationId: 'client-42',
      causationId: '9b2e3f1c-1a9e-4b0e-8c5c-0d5c3f1f9a57',
    },
  })
  metadata!: Record<string, unknown>;

  @ApiProperty({ format: 'date-time', example: '2026-11-27T10:00:00.000Z' })
  recordedAt!: string;
}

export class TodoHistoryResponseDto {
  @ApiProperty({ type: [TodoEventResponseDto], description: 'Oldest first.' })
  items!: TodoEventResponseDto[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Pass as `after` for the next page; `null` on the last page.',
    example: null,
  })
  nextAfter!: number | null;
}
