import { Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonBody, JsonQuery } from '../openapi/decorators';
import { listResponse } from '../pagination/cursor';
import { AcceptedEventSchema, EventListSchema, EventsQuerySchema, type EventsQuery, PublishEventSchema, type PublishEvent } from './event.schemas';
import { EventsService, loggedEventView } from './events.service';

@AdminController('events', 'events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('events:write')
  @Idempotent()
  @ApiOperation({ summary: 'Publish an event, exactly as producing it to herald.events.v1 would; answers its id' })
  @ApiResult(202, 'Accepted and on its way to every subscribed destination', AcceptedEventSchema)
  publish(@CurrentCaller() caller: Caller, @JsonBody(PublishEventSchema) body: PublishEvent, @Headers() headers: Record<string, string | string[] | undefined>) {
    return this.events.publish(caller.orgId, body, headers);
  }

  @Get()
  @RequirePermission('events:read')
  @ApiOperation({ summary: 'Events the org published, oldest first, for reconciliation' })
  @ApiResult(200, 'A page of events', EventListSchema)
  @ApiProblems(400)
  async list(@CurrentCaller() caller: Caller, @JsonQuery(EventsQuerySchema) query: EventsQuery) {
    return listResponse(await this.events.list(caller.orgId, query), loggedEventView);
  }
}
