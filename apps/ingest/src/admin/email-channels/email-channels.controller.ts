import { Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { z } from 'zod';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonBody, JsonQuery } from '../openapi/decorators';
import { listResponse, PageQuerySchema } from '../pagination/cursor';
import {
  CreateEmailChannelSchema,
  EmailChannelListSchema,
  EmailChannelSchema,
  EmailTestResultSchema,
  UpdateEmailChannelSchema,
  type CreateEmailChannel,
  type UpdateEmailChannel,
} from './email-channel.schemas';
import { emailChannelView, EmailChannelsService } from './email-channels.service';

@AdminController('email-channels', 'email channels')
export class EmailChannelsController {
  constructor(private readonly channels: EmailChannelsService) {}

  @Get()
  @RequirePermission('email:read')
  @ApiOperation({ summary: "List the org's email channels, oldest first" })
  @ApiResult(200, 'A page of email channels', EmailChannelListSchema)
  @ApiProblems(400)
  async list(@CurrentCaller() caller: Caller, @JsonQuery(PageQuerySchema) query: z.output<typeof PageQuerySchema>) {
    return listResponse(await this.channels.list(caller.orgId, { limit: query.limit, after: query.cursor }), emailChannelView);
  }

  @Post()
  @RequirePermission('email:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create an email channel' })
  @ApiResult(201, 'Created', EmailChannelSchema)
  async create(@CurrentCaller() caller: Caller, @JsonBody(CreateEmailChannelSchema) body: CreateEmailChannel) {
    return emailChannelView(await this.channels.create(caller.orgId, body));
  }

  @Get(':id')
  @RequirePermission('email:read')
  @ApiOperation({ summary: 'Get an email channel (never its SMTP password)' })
  @ApiResult(200, 'The email channel', EmailChannelSchema)
  @ApiProblems(404)
  async get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return emailChannelView(await this.channels.get(caller.orgId, id));
  }

  @Patch(':id')
  @RequirePermission('email:write')
  @Idempotent()
  @ApiOperation({ summary: 'Change some of its settings' })
  @ApiResult(200, 'The updated email channel', EmailChannelSchema)
  @ApiProblems(404)
  async update(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonBody(UpdateEmailChannelSchema) body: UpdateEmailChannel) {
    return emailChannelView(await this.channels.update(caller.orgId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('email:write')
  @Idempotent()
  @ApiOperation({ summary: 'Delete an email channel' })
  @ApiResult(204, 'Deleted')
  @ApiProblems(404)
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.channels.remove(caller.orgId, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequirePermission('email:write')
  @Idempotent()
  @ApiOperation({ summary: "Send a sample email to every recipient and report the SMTP server's answer" })
  @ApiResult(200, "The SMTP server's answer", EmailTestResultSchema)
  @ApiProblems(404)
  test(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.channels.test(caller.orgId, id);
  }
}
