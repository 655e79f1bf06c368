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
  @ApiProperty({ format: 'uuid' }) todoId!: string;
  @ApiProperty({ enum: ['created', 'renamed', 'completed', 'reopened', 'deleted'] })
  change!: string;
  @ApiPropertyOptional({
    description: 'The title after the change; absent for completions, reopenings and deletions.',
  })
  title?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class ActivityFeedDto {
  @ApiProperty({ type: [ActivityItemDto], description: 'Newest first.' })
  items!: ActivityItemDto[];
}
