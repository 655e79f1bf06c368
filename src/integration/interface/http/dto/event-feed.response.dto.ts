import { ApiProperty } from '@nestjs/swagger';

export class OutgoingEventDto {
  @ApiProperty({
    description:
      'Where the event stands in the log. Resume after it (`after`, `Last-Event-ID`); positions ' +
      'are unique, but the order of the log is the order of the items, not of the numbers.',
    example: 42,
  })
  position!: number;
  @ApiProperty({ description: 'The event’s id.', format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The stream (aggregate) it belongs to.', format: 'uuid' })
  streamId!: string;
  @ApiProperty({ example: 'todo' }) streamType!: string;
  @ApiProperty({ description: 'The stream’s version after this event.', example: 1 })
  sequence!: number;
  @ApiProperty({ example: 'TodoCreated' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { title: 'Buy milk' } })
  data!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { command: 'CreateTodo' } })
  metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) time!: string;
}

export class EventFeedPageDto {
  @ApiProperty({ type: [OutgoingEventDto], description: 'In the log’s order.' })
  items!: OutgoingEventDto[];
  @ApiProperty({
    description: 'Pass as `after` for the next page: the last item’s position, or `after` again.',
    example: 42,
  })
  nextAfter!: number;
}
