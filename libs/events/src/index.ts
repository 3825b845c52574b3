export { ALL_EVENT_TYPES, BUILTIN_EVENT_TYPES, EventCatalog, parseEventTypeExtensions, type EventTypeDefinition, type Severity } from './catalog';
export {
  acceptEvent,
  EventInputSchema,
  HeraldEventSchema,
  parseAcceptedEvent,
  InvalidEventError,
  newEventId,
  parseEventJson,
  webhookPayload,
  type EventInput,
  type HeraldEvent,
} from './envelope';
export { EventCatalogModule } from './catalog.module';
