import { ApiProperty } from '@nestjs/swagger';
import type { ApiPropertyOptions } from '@nestjs/swagger';

const byCheck = (description: string, example: object): ApiPropertyOptions => ({
  type: 'object',
  description,
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    required: ['status'],
  },
  example,
});

/** A passing health check, as the probes answer it. */
export class HealthCheckDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';

  @ApiProperty(byCheck('Checks that passed, by name.', { database: { status: 'up' } }))
  info!: Record<string, { status: string }>;

  @ApiProperty(byCheck('Checks that failed, by name (none when ready).', {}))
  error!: Record<string, { status: string }>;

  @ApiProperty(byCheck('Every check, by name.', { database: { status: 'up' } }))
  details!: Record<string, { status: string }>;
}
