import { Injectable } from '@nestjs/common';
import { EventCatalog, type HeraldEvent } from '@herald/events';
import { EventLogRepository, toEvent, type EventLogEntity, type Page } from '@herald/persistence';
import type { TraceCarrier } from '@herald/tracing';
import { IntakeService } from '../../intake/intake.service';
import { ProblemError } from '../problems/problem';
import type { EventsQuery, LoggedEventView, PublishEvent } from './event.schemas';

/** Publishing through REST is the Kafka intake's own path; listing reads the event log. */
@Injectable()
export class EventsService {
  constructor(
    private readonly intake: IntakeService,
    private readonly eventLog: EventLogRepository,
    private readonly catalog: EventCatalog,
  ) {}

  /** `headers`: the request's; a `traceparent` among them is continued by the event's trace. */
  publish(orgId: string, input: PublishEvent, headers: TraceCarrier): Promise<HeraldEvent> {
    if (input.org_id !== undefined && input.org_id !== orgId) throw ProblemError.invalidField('org_id', "must be the API key's org, or left out");
    return this.intake.publish({ ...input, org_id: orgId }, headers);
  }

  list(orgId: string, query: EventsQuery): Promise<Page<EventLogEntity>> {
    return this.eventLog.listPage(
      // A type's aliases are the same events: `type=deploy.failed` lists those sent as `deploy_failed` too.
      { orgId, type: query.type && this.catalog.namesOf(query.type), since: query.since ? new Date(query.since) : undefined, status: query.status, deliveryStatus: query.delivery_status },
      { limit: query.limit, after: query.cursor },
    );
  }
}

export function loggedEventView(row: EventLogEntity): LoggedEventView {
  return { ...toEvent(row), status: row.status };
}
