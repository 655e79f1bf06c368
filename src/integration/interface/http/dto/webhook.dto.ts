import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsDecimalInteger } from '../../../../shared/interface/http/validation';
import {
  DELIVERIES_LIMIT_DEFAULT,
  DELIVERIES_LIMIT_MAX,
} from '../../../application/webhooks/webhook-admin';
import { WEBHOOK_URL_MAX_LENGTH } from '../../../domain/webhook-url';

const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const DESCRIPTION_MAX = 500;

export class CreateWebhookDto {
  @ApiProperty({
    description:
      'The receiver: `https:`, on a public address (checked again on every connection), ' +
      'no credentials in it. Redirects are not followed.',
    example: 'https://hooks.example.com/todo-events',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url!: string;

  @ApiPropertyOptional({
    description: 'Event types to send (default: every type, including ones added later).',
    example: ['TodoCreated', 'TodoCompleted'],
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(TYPE_NAME, { each: true, message: 'types must be event type names' })
  types?: string[];

  @ApiPropertyOptional({ example: 'Sync to the CRM', maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({
    example: 'https://hooks.example.com/v2',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['TodoCompleted'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(TYPE_NAME, { each: true, message: 'types must be event type names' })
  types?: string[];

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX)
  description?: string;

  @ApiPropertyOptional({
    description:
      '`false` stops deliveries; `true` resumes them (also after the service disabled the ' +
      'endpoint) from where it stopped, forgetting past failures.',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({
    description: 'How many attempts, newest first.',
    minimum: 1,
    maximum: DELIVERIES_LIMIT_MAX,
    default: DELIVERIES_LIMIT_DEFAULT,
    type: 'integer',
  })
  @IsOptional()
  @IsDecimalInteger(1, DELIVERIES_LIMIT_MAX)
  limit?: number;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'https://hooks.example.com/todo-events' }) url!: string;
  @ApiProperty({ example: 'Sync to the CRM' }) description!: string;
  @ApiProperty({ type: [String], description: 'Empty: every type.', example: ['TodoCreated'] })
  types!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why the service stopped delivering, when it did.',
    example: null,
  })
  disabledReason!: string | null;
  @ApiProperty({ description: 'Position of the last event it got (or skipped).', example: 42 })
  position!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  failingSince!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description:
      'The signing secret (Standard Webhooks, `whsec_…`). Shown only here and on rotation: ' +
      'store it now.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  })
  secret!: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto], description: 'Oldest first.' }) items!: WebhookDto[];
}

export class SigningSecretDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) secret!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Until when deliveries are signed with the replaced secret too; null when it stopped at ' +
      'once (`WEBHOOK_SECRET_OVERLAP=0`).',
  })
  previousSecretValidUntil!: string | null;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'Also the `webhook-id` header sent.' })
  eventId!: string;
  @ApiProperty({ example: 42 }) eventPosition!: number;
  @ApiProperty({ example: 'TodoCreated' }) eventType!: string;
  @ApiProperty({ description: 'Attempt number for this event (1 = first).', example: 1 })
  attempt!: number;
  @ApiProperty({ description: 'Sent again on request.' }) redelivery!: boolean;
  @ApiProperty({ enum: ['delivered', 'failed'] }) outcome!: string;
  @ApiProperty({ type: Number, nullable: true, example: 200 }) statusCode!: number | null;
  @ApiProperty({ example: 12 }) durationMs!: number;
  @ApiProperty({ type: String, nullable: true, example: null }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) attemptedAt!: string;
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryDto], description: 'Newest first.' }) items!: DeliveryDto[];
}
