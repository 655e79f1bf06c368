import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class DailyActivityQueryDto {
  @ApiPropertyOptional({
    description: 'First day (UTC), inclusive. Default: 29 days before `to`.',
    example: '2026-11-01',
    format: 'date',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a date like 2026-11-01' })
  @IsISO8601({ strict: true }, { message: 'from must be a real calendar date' })
  from?: string;

  @ApiPropertyOptional({
    description: 'Last day (UTC), inclusive. Default: today.',
    example: '2026-11-30',
    format: 'date',
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a date like 2026-11-30' })
  @IsISO8601({ strict: true }, { message: 'to must be a real calendar date' })
  to?: string;
}
