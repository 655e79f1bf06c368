import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ReaderStatusDto {
  @ApiProperty({ example: 'activity_feed' }) name!: string;
  @ApiProperty({
    description:
      '`inline` (updated with each write), `subscription` (a background reader: projections ' +
      'and the broker publisher), or the kind of a reader that keeps its own place (`webhook`).',
    example: 'subscription',
  })
  kind!: string;
  @ApiProperty({
    description:
      '`running`, `parked` (stopped at an event it could not handle), `not started`; a webhook ' +
      'endpoint may be `failing` or `disabled`.',
    example: 'running',
  })
  state!: string;
  @ApiProperty({ description: "The tenant's events the reader has not taken yet.", example: 0 })
  lagEvents!: number;
  @ApiProperty({ description: 'Age in seconds of the oldest of them (0: none).', example: 0 })
  lagSeconds!: number;
  @ApiPropertyOptional({
    description:
      "The reader's place in the log (the position of the last event it took), for the " +
      "tenant's own readers (its webhook endpoints) only.",
    example: 42,
  })
  position?: number;
}

export class ServiceStatusDto {
  @ApiProperty({
    type: [ReaderStatusDto],
    description:
      "Projections and subscriptions first, then the tenant's webhook endpoints (named " +
      '`webhook <id>`).',
  })
  readers!: ReaderStatusDto[];
}
