import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { z } from 'zod';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonBody, JsonQuery } from '../openapi/decorators';
import { listResponse, PageQuerySchema } from '../pagination/cursor';
import {
  CreatedWebhookSchema,
  CreateWebhookSchema,
  RotatedSecretSchema,
  RotateSecretSchema,
  TemplatePreviewResultSchema,
  TemplatePreviewSchema,
  UpdateWebhookSchema,
  WebhookListSchema,
  WebhookResumedSchema,
  WebhookSchema,
  WebhookTestResultSchema,
  type CreateWebhook,
  type RotateSecret,
  type TemplatePreview,
  type UpdateWebhook,
} from './webhook.schemas';
import { WebhookActionsService } from './webhook-actions.service';
import { webhookView, WebhooksService } from './webhooks.service';

@AdminController('webhooks', 'webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly actions: WebhookActionsService,
  ) {}

  @Get()
  @RequirePermission('webhooks:read')
  @ApiOperation({ summary: "List the org's webhooks, oldest first" })
  @ApiResult(200, 'A page of webhooks', WebhookListSchema)
  @ApiProblems(400)
  async list(@CurrentCaller() caller: Caller, @JsonQuery(PageQuerySchema) query: z.output<typeof PageQuerySchema>) {
    return listResponse(await this.webhooks.list(caller.orgId, { limit: query.limit, after: query.cursor }), webhookView);
  }

  @Post()
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create a webhook; the response carries its signing secret, shown only this once' })
  @ApiResult(201, 'Created', CreatedWebhookSchema)
  async create(@CurrentCaller() caller: Caller, @JsonBody(CreateWebhookSchema) body: CreateWebhook) {
    const { webhook, secret } = await this.webhooks.create(caller.orgId, body);
    return { ...webhookView(webhook), secret };
  }

  @Get(':id')
  @RequirePermission('webhooks:read')
  @ApiOperation({ summary: 'Get a webhook (never its secret)' })
  @ApiResult(200, 'The webhook', WebhookSchema)
  @ApiProblems(404)
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return webhookView(await this.webhooks.get(caller.orgId, id));
  }

  @Patch(':id')
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Change some of its settings' })
  @ApiResult(200, 'The updated webhook', WebhookSchema)
  @ApiProblems(404)
  async update(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonBody(UpdateWebhookSchema) body: UpdateWebhook) {
    return webhookView(await this.webhooks.update(caller.orgId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Delete a webhook; nothing more is delivered to it' })
  @ApiResult(204, 'Deleted')
  @ApiProblems(404)
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(caller.orgId, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Send a ping event now and report the status code and round-trip time' })
  @ApiResult(200, "The receiver's answer", WebhookTestResultSchema)
  @ApiProblems(404)
  test(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.actions.test(caller.orgId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Issue a new signing secret; the old one keeps signing beside it for the grace period' })
  @ApiResult(200, 'The new secret, shown only this once', RotatedSecretSchema)
  @ApiProblems(404)
  async rotateSecret(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonBody(RotateSecretSchema, { required: false }) body: RotateSecret) {
    const { secret, previousExpireAt } = await this.webhooks.rotateSecret(caller.orgId, id, body);
    return { secret, previous_secrets_expire_at: previousExpireAt.toISOString() };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Pause the webhook: its new deliveries are held (not dropped) until it is resumed' })
  @ApiResult(200, 'The paused webhook', WebhookSchema)
  @ApiProblems(404)
  async pause(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return webhookView(await this.actions.pause(caller.orgId, id));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Unpause the webhook and replay, in order, the deliveries held while it was paused' })
  @ApiResult(200, 'Resumed', WebhookResumedSchema)
  @ApiProblems(404)
  async resume(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const { replayed } = await this.actions.resume(caller.orgId, id);
    return { id, paused: false as const, replayed };
  }

  @Post(':id/template/preview')
  @HttpCode(200)
  @RequirePermission('webhooks:read')
  @Idempotent()
  @ApiOperation({ summary: "Try the webhook's payload template (or another) on a sample event; nothing is sent" })
  @ApiResult(200, 'The body a delivery would carry', TemplatePreviewResultSchema)
  @ApiProblems(404)
  previewTemplate(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonBody(TemplatePreviewSchema) body: TemplatePreview) {
    return this.actions.previewTemplate(caller.orgId, id, body);
  }
}
