import { Injectable } from '@nestjs/common';
import { EventCatalog, type EventTypeDefinition } from '@herald/events';
import { OrgRepository } from '@herald/persistence';
import { encodeCursor } from '../pagination/cursor';
import { ProblemError } from '../problems/problem';
import type { EventTypeView } from './event-type.schemas';

/** The event catalog as one org sees it, and the org's on/off toggles. */
@Injectable()
export class EventTypesService {
  constructor(
    private readonly catalog: EventCatalog,
    private readonly orgs: OrgRepository,
  ) {}

  /** Ordered by type name; the cursor is the last name of the page. */
  async list(orgId: string, limit: number, after?: string): Promise<{ data: EventTypeView[]; next_cursor: string | null }> {
    const toggles = await this.orgs.eventTypeToggles(orgId);
    const rest = this.catalog
      .list()
      .sort((a, b) => (a.type < b.type ? -1 : 1))
      .filter((d) => after === undefined || d.type > after);
    const data = rest.slice(0, limit).map((d) => view(d, toggles.get(d.type)));
    return { data, next_cursor: rest.length > limit ? encodeCursor([data[data.length - 1].type]) : null };
  }

  async toggle(orgId: string, type: string, enabled: boolean): Promise<EventTypeView> {
    const definition = this.catalog.get(type);
    if (!definition) throw ProblemError.notFound('event type', type);
    // Stored under the type, so a toggle on an alias applies to every name of the event.
    await this.orgs.setEventType(orgId, definition.type, enabled);
    return view(definition, enabled);
  }
}

function view(definition: EventTypeDefinition, toggle: boolean | undefined): EventTypeView {
  return {
    type: definition.type,
    category: definition.category,
    severity: definition.severity,
    description: definition.description,
    aliases: [...(definition.aliases ?? [])],
    enabled_by_default: definition.enabledByDefault,
    enabled: toggle ?? definition.enabledByDefault,
  };
}
