import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';
import {
  FEED_LIMIT_DEFAULT,
  FEED_LIMIT_MAX,
  FEED_WAIT_MAX_SECONDS,
} from '../../../application/change-feed';

/** Event and stream type names: what the service writes, and nothing that needs escaping. */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const MAX_TYPES = 50;

/**
 * `a,b,c` (one parameter, comma-separated) into a list. A repeated parameter arrives as a list
 * already; it is turned into something that fails `IsArray`, so there is one way to say it.
 */
const commaSeparated = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : { repeated: value },
  );

/** Selects events by type and stream type; shared by the feed and its server-sent events. */
export class EventFilterQueryDto {
  @ApiPropertyOptional({
    description: 'Only these event types, comma-separated (default: every type).',
    example: 'TodoCreated,TodoCompleted',
    type: String,
  })
  @IsOptional()
  @commaSeparated()
  @IsArray({ message: 'types must be given once, as a comma-separated list' })
  @ArrayMaxSize(MAX_TYPES)
  @Matches(TYPE_NAME, { each: true, message: 'types must be event type names' })
  types?: string[];

  @ApiPropertyOptional({
    description: 'Only events of streams of these types, comma-separated (default: every type).',
    example: 'todo',
    type: String,
  })
  @IsOptional()
  @commaSeparated()
  @IsArray({ message: 'streamTypes must be given once, as a comma-separated list' })
  @ArrayMaxSize(MAX_TYPES)
  @Matches(TYPE_NAME, { each: true, message: 'streamTypes must be stream type names' })
  streamTypes?: string[];
}

export class EventFeedQueryDto extends EventFilterQueryDto {
  @ApiPropertyOptional({
    description:
      'The `position` of the last event you have (the previous page’s `nextAfter`); 0 or absent ' +
      'for the start of the log.',
    minimum: 0,
    default: 0,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(0, Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({
    description: 'Page size.',
    minimum: 1,
    maximum: FEED_LIMIT_MAX,
    default: FEED_LIMIT_DEFAULT,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, FEED_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Long polling: when no event follows `after` yet, wait up to this many seconds for one.',
    minimum: 1,
    maximum: FEED_WAIT_MAX_SECONDS,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, FEED_WAIT_MAX_SECONDS)
  wait?: number;
}
