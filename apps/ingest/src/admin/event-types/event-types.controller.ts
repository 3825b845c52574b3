import { Get, Param, Patch } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonBody, JsonQuery } from '../openapi/decorators';
import { EventTypeListSchema, EventTypeSchema, EventTypesQuerySchema, type EventTypesQuery, ToggleEventTypeSchema, type ToggleEventType } from './event-type.schemas';
import { EventTypesService } from './event-types.service';

@AdminController('event-types', 'event types')
export class EventTypesController {
  constructor(private readonly eventTypes: EventTypesService) {}

  @Get()
  @RequirePermission('events:read')
  @ApiOperation({ summary: 'The event catalog with each type’s default and whether the org receives it' })
  @ApiResult(200, 'A page of event types', EventTypeListSchema)
  @ApiProblems(400)
  list(@CurrentCaller() caller: Caller, @JsonQuery(EventTypesQuerySchema) query: EventTypesQuery) {
    return this.eventTypes.list(caller.orgId, query.limit, query.cursor);
  }

  @Patch(':type')
  @RequirePermission('events:write')
  @Idempotent()
  @ApiOperation({ summary: 'Turn an event type on or off for the whole org (every webhook and email channel)' })
  @ApiResult(200, 'The event type as the org now sees it', EventTypeSchema)
  @ApiProblems(404)
  toggle(@CurrentCaller() caller: Caller, @Param('type') type: string, @JsonBody(ToggleEventTypeSchema) body: ToggleEventType) {
    return this.eventTypes.toggle(caller.orgId, type, body.enabled);
  }
}
