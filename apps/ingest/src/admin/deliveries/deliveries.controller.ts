import { Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonQuery } from '../openapi/decorators';
import { listResponse } from '../pagination/cursor';
import { DeliveryListSchema, DeliveryLogQuerySchema, type DeliveryLogQuery, DeliveryRetriedSchema, DeliverySchema } from './delivery.schemas';
import { DeliveriesService } from './deliveries.service';

const same = <T>(item: T) => item;

/** The delivery log: per destination, per delivery with every attempt, and sending one again. */
@AdminController('', 'deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('deliveries')
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: "The org's deliveries to every destination, newest first, each with its latest attempt" })
  @ApiResult(200, 'A page of deliveries', DeliveryListSchema)
  @ApiProblems(400)
  async forOrg(@CurrentCaller() caller: Caller, @JsonQuery(DeliveryLogQuerySchema) query: DeliveryLogQuery) {
    return listResponse(await this.deliveries.listForOrg(caller.orgId, query), same);
  }

  @Get('webhooks/:id/deliveries')
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: "A webhook's deliveries, newest first, each with its latest attempt" })
  @ApiResult(200, 'A page of deliveries', DeliveryListSchema)
  @ApiProblems(400, 404)
  async forWebhook(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonQuery(DeliveryLogQuerySchema) query: DeliveryLogQuery) {
    return listResponse(await this.deliveries.listForWebhook(caller.orgId, id, query), same);
  }

  @Get('email-channels/:id/deliveries')
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: "An email channel's deliveries, newest first, each with its latest attempt" })
  @ApiResult(200, 'A page of deliveries', DeliveryListSchema)
  @ApiProblems(400, 404)
  async forEmailChannel(@CurrentCaller() caller: Caller, @Param('id') id: string, @JsonQuery(DeliveryLogQuerySchema) query: DeliveryLogQuery) {
    return listResponse(await this.deliveries.listForEmailChannel(caller.orgId, id, query), same);
  }

  @Get('deliveries/:id')
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: 'One delivery with every attempt: time, status code, latency, truncated answer, error' })
  @ApiResult(200, 'The delivery', DeliverySchema)
  @ApiProblems(404)
  get(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.deliveries.get(caller.orgId, id);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  @RequirePermission('deliveries:write')
  @Idempotent()
  @ApiOperation({ summary: 'Send the delivery again now, whatever its status, with the same webhook-id' })
  @ApiResult(202, 'Queued for sending', DeliveryRetriedSchema)
  @ApiProblems(404)
  async retry(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    const { attempt } = await this.deliveries.retry(caller.orgId, id);
    return { id, attempt, status: 'queued' as const };
  }
}
