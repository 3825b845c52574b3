import { Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { z } from 'zod';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonBody, JsonQuery } from '../openapi/decorators';
import { listResponse, PageQuerySchema } from '../pagination/cursor';
import { CreateReplaySchema, ReplayListSchema, ReplaySchema, type CreateReplay } from './replay.schemas';
import { ReplaysService } from './replays.service';

const same = <T>(item: T) => item;

/** Replays of a webhook's deliveries since a point in time, at a capped rate. */
@AdminController('webhooks/:id/replays', 'replays')
export class WebhookReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Post()
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({
    summary: "Send the webhook's failed deliveries (or, as a backfill, every event it receives) since a time again, in event order, at most `rate` a second",
    description: 'One replay per destination at a time: 409 (urn:herald:problem:conflict) while another is running or waiting.',
  })
  @ApiResult(201, 'Created; the retry-scheduler runs it', ReplaySchema)
  @ApiProblems(404)
  create(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonBody(CreateReplaySchema) body: CreateReplay) {
    return this.replays.create(caller.orgId, 'webhook', id, body);
  }

  @Get()
  @RequirePermission('webhooks:read')
  @ApiOperation({ summary: "The webhook's replays, newest first, with their progress" })
  @ApiResult(200, 'A page of replays', ReplayListSchema)
  @ApiProblems(400, 404)
  async list(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonQuery(PageQuerySchema) query: z.output<typeof PageQuerySchema>) {
    return listResponse(await this.replays.list(caller.orgId, 'webhook', id, { limit: query.limit, after: query.cursor }), same);
  }

  @Get(':replayId')
  @RequirePermission('webhooks:read')
  @ApiOperation({ summary: 'One replay and its progress' })
  @ApiResult(200, 'The replay', ReplaySchema)
  @ApiProblems(404)
  get(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('replayId') replayId: string) {
    return this.replays.get(caller.orgId, 'webhook', id, replayId);
  }

  @Delete(':replayId')
  @RequirePermission('webhooks:write')
  @Idempotent()
  @ApiOperation({ summary: 'Cancel the replay: nothing more is sent once this answers (an ended replay is answered as it is)' })
  @ApiResult(200, 'The replay, cancelled', ReplaySchema)
  @ApiProblems(404)
  cancel(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('replayId') replayId: string) {
    return this.replays.cancel(caller.orgId, 'webhook', id, replayId);
  }
}

/** The same for an email channel. */
@AdminController('email-channels/:id/replays', 'replays')
export class EmailChannelReplaysController {
  constructor(private readonly replays: ReplaysService) {}

  @Post()
  @RequirePermission('email:write')
  @Idempotent()
  @ApiOperation({
    summary: "Send the email channel's failed deliveries (or, as a backfill, every event it receives) since a time again, in event order, at most `rate` a second",
    description: 'One replay per destination at a time: 409 (urn:herald:problem:conflict) while another is running or waiting.',
  })
  @ApiResult(201, 'Created; the retry-scheduler runs it', ReplaySchema)
  @ApiProblems(404)
  create(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonBody(CreateReplaySchema) body: CreateReplay) {
    return this.replays.create(caller.orgId, 'email', id, body);
  }

  @Get()
  @RequirePermission('email:read')
  @ApiOperation({ summary: "The email channel's replays, newest first, with their progress" })
  @ApiResult(200, 'A page of replays', ReplayListSchema)
  @ApiProblems(400, 404)
  async list(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonQuery(PageQuerySchema) query: z.output<typeof PageQuerySchema>) {
    return listResponse(await this.replays.list(caller.orgId, 'email', id, { limit: query.limit, after: query.cursor }), same);
  }

  @Get(':replayId')
  @RequirePermission('email:read')
  @ApiOperation({ summary: 'One replay and its progress' })
  @ApiResult(200, 'The replay', ReplaySchema)
  @ApiProblems(404)
  get(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('replayId') replayId: string) {
    return this.replays.get(caller.orgId, 'email', id, replayId);
  }

  @Delete(':replayId')
  @RequirePermission('email:write')
  @Idempotent()
  @ApiOperation({ summary: 'Cancel the replay: nothing more is sent once this answers (an ended replay is answered as it is)' })
  @ApiResult(200, 'The replay, cancelled', ReplaySchema)
  @ApiProblems(404)
  cancel(@CurrentCaller() caller: Caller, @Param('id') id: string, @Param('replayId') replayId: string) {
    return this.replays.cancel(caller.orgId, 'email', id, replayId);
  }
}
