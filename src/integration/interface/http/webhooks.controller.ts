import { RequiresScope } from '../../../auth/requires-scope.decorator';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { currentTenant } from '../../../shared/application/request-context';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';
import { problemType } from '../../../shared/interface/http/problem-details';
import { uuidParam } from '../../../shared/interface/http/validation';
import type { DeliveryView, WebhookView } from '../../application/webhooks/webhook';
import { DELIVERIES_LIMIT_DEFAULT, WebhookAdmin } from '../../application/webhooks/webhook-admin';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveriesQueryDto,
  DeliveryDto,
  DeliveryListDto,
  SigningSecretDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookListDto,
} from './dto/webhook.dto';

const ID = '7d0f0a8e-1c1b-4b7e-9a55-2f1f4c1e9b21';
const ID_PARAM = { name: 'id', format: 'uuid', description: 'The webhook id.' } as const;
const DELIVERY_PARAM = {
  name: 'deliveryId',
  format: 'uuid',
  description: 'The id of an earlier attempt (from the deliveries list).',
} as const;

const NOT_FOUND = {
  type: problemType('webhook-not-found'),
  title: 'Webhook not found',
  status: 404,
  detail: `No webhook has id ${ID}.`,
  instance: `/webhooks/${ID}`,
  code: 'WEBHOOK_NOT_FOUND',
  webhookId: ID,
};

const DELIVERY_NOT_FOUND = {
  type: problemType('webhook-delivery-not-found'),
  title: 'Webhook delivery not found',
  status: 404,
  detail: `Webhook ${ID} has no delivery 0b1e7c8d-5a4f-4e3b-8c2d-1f0e9d8c7b6a.`,
  instance: `/webhooks/${ID}/deliveries/0b1e7c8d-5a4f-4e3b-8c2d-1f0e9d8c7b6a/redeliver`,
  code: 'WEBHOOK_DELIVERY_NOT_FOUND',
  webhookId: ID,
  deliveryId: '0b1e7c8d-5a4f-4e3b-8c2d-1f0e9d8c7b6a',
};

const URL_INVALID = {
  type: problemType('webhook-url-invalid'),
  title: 'Webhook url invalid',
  status: 400,
  detail: 'The webhook URL is not allowed: 169.254.169.254 is a linkLocal address.',
  instance: '/webhooks',
  code: 'WEBHOOK_URL_INVALID',
  field: 'url',
  reason: '169.254.169.254 is a linkLocal address',
};

/**
 * Webhook endpoints of the tenant: each gets the events (of its types) from its creation on,
 * signed per Standard Webhooks, as CloudEvents, at least once and in order per stream.
 */
@RequiresScope('webhooks:manage')
@ApiTags('webhooks')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookAdmin) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description:
      'It receives the events committed from now on. The answer holds the signing secret, ' +
      'the only time it is shown (rotate it to get a new one).',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiProblem(400, 'Invalid body, or a URL that is not allowed.', [P.validation, URL_INVALID])
  async create(
    @Body() body: CreateWebhookDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookView & { secret: string }> {
    const created = await this.webhooks.create(currentTenant(), body);
    response.setHeader('Location', `/webhooks/${created.id}`);
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'List webhook endpoints', description: 'Oldest first; no secrets.' })
  @ApiOkResponse({ type: WebhookListDto })
  async list(): Promise<{ items: WebhookView[] }> {
    return { items: await this.webhooks.list(currentTenant()) };
  }

  @Get(':id')
  @ApiParam(ID_PARAM)
  @ApiOperation({
    summary: 'One webhook endpoint',
    description: 'With its place in the log, and why it is disabled when it is.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblem(400, 'A malformed id.', [P.validation])
  @ApiProblem(404, 'No such webhook.', [NOT_FOUND])
  get(@Param('id', uuidParam('id')) id: string): Promise<WebhookView> {
    return this.webhooks.get(currentTenant(), id);
  }

  @Patch(':id')
  @ApiParam(ID_PARAM)
  @ApiOperation({
    summary: 'Change a webhook endpoint, or disable or re-enable it',
    description: 'Fields left out stay as they are.',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblem(400, 'Invalid body or id, or a URL that is not allowed.', [P.validation, URL_INVALID])
  @ApiProblem(404, 'No such webhook.', [NOT_FOUND])
  update(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookView> {
    return this.webhooks.update(currentTenant(), id, body);
  }

  @Delete(':id')
  @ApiParam(ID_PARAM)
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a webhook endpoint',
    description: 'Deliveries stop; its delivery log is removed with it.',
  })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblem(400, 'A malformed id.', [P.validation])
  @ApiProblem(404, 'No such webhook.', [NOT_FOUND])
  async delete(@Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.webhooks.delete(currentTenant(), id);
  }

  @Post(':id/rotate-secret')
  @ApiParam(ID_PARAM)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the signing secret',
    description:
      'Deliveries are signed with the new secret from now on; it is shown only here. Until ' +
      '`previousSecretValidUntil` (`WEBHOOK_SECRET_OVERLAP`, default 24 h) they are signed with ' +
      'the replaced secret too (two `v1,` signatures in `webhook-signature`), so a receiver ' +
      'holding either one verifies them and can switch at its own pace. Rotating again ' +
      'within that window ends the older secret at once.',
  })
  @ApiOkResponse({ type: SigningSecretDto })
  @ApiProblem(400, 'A malformed id.', [P.validation])
  @ApiProblem(404, 'No such webhook.', [NOT_FOUND])
  rotateSecret(
    @Param('id', uuidParam('id')) id: string,
  ): Promise<{ secret: string; previousSecretValidUntil: string | null }> {
    return this.webhooks.rotateSecret(currentTenant(), id);
  }

  @Get(':id/deliveries')
  @ApiParam(ID_PARAM)
  @ApiOperation({
    summary: 'Delivery attempts of a webhook endpoint',
    description: 'Newest first: event, outcome, HTTP status, duration and error of each attempt.',
  })
  @ApiOkResponse({ type: DeliveryListDto })
  @ApiProblem(400, 'A malformed id or limit.', [P.validation])
  @ApiProblem(404, 'No such webhook.', [NOT_FOUND])
  async deliveries(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: DeliveriesQueryDto,
  ): Promise<{ items: DeliveryView[] }> {
    const limit = query.limit ?? DELIVERIES_LIMIT_DEFAULT;
    return { items: await this.webhooks.deliveries(currentTenant(), id, limit) };
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @ApiParam(ID_PARAM)
  @ApiParam(DELIVERY_PARAM)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the event of an attempt again',
    description:
      'Sent now, with the same `webhook-id` (the event id), outside the endpoint’s order; the ' +
      'answer is the new attempt. The endpoint’s place in the log does not move.',
  })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiProblem(400, 'A malformed id.', [P.validation])
  @ApiProblem(404, 'No such webhook or delivery.', [NOT_FOUND, DELIVERY_NOT_FOUND])
  redeliver(
    @Param('id', uuidParam('id')) id: string,
    @Param('deliveryId', uuidParam('deliveryId')) deliveryId: string,
  ): Promise<DeliveryView> {
    return this.webhooks.redeliver(currentTenant(), id, deliveryId);
  }
}
