import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  FEED_LIMIT_DEFAULT,
  FEED_LIMIT_MAX,
} from '../../../application/queries/get-activity-feed.query';

export class ActivityFeedQueryDto {
  @ApiPropertyOptional({
    description: 'How many changes.',
    minimum: 1,
    maximum: FEED_LIMIT_MAX,
    default: FEED_LIMIT_DEFAULT,
    type: Number,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(FEED_LIMIT_MAX)
  limit?: number;
}
