import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';
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
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, FEED_LIMIT_MAX)
  limit?: number;
}
