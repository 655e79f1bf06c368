import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DailyActivityDto {
  @ApiProperty({ example: '2026-11-27', format: 'date' }) day!: string;
  @ApiProperty({ example: 3 }) created!: number;
  @ApiProperty({ example: 1 }) completed!: number;
}

export class DailyActivityListDto {
  @ApiProperty({ example: '2026-10-29', format: 'date' }) from!: string;
  @ApiProperty({ example: '2026-11-27', format: 'date' }) to!: string;
  @ApiProperty({ type: [DailyActivityDto], description: 'Days with activity only, oldest first.' })
  days!: DailyActivityDto[];
}

export class ActivityItemDto {
  @ApiProperty({ description: 'Global position of the event in the log.', example: 42 })
  position!: number;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The todo; absent for list changes that involve no todo.',
  })
  todoId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The list, for `list-…` changes.' })
  listId?: string;
  @ApiProperty({
    enum: [
      'created',
      'renamed',
      'completed',
      'reopened',
      'deleted',
      'list-created',
      'list-renamed',
      'list-todo-added',
      'list-todo-removed',
      'list-archived',
    ],
  })
  change!: string;
  @ApiPropertyOptional({
    description:
      "The todo's title, or the list's name, after the change; absent where it did not change.",
  })
  title?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ActivityFeedDto {
  @ApiProperty({ type: [ActivityItemDto], description: 'Newest first.' })
  items!: ActivityItemDto[];
}
