export { ALL_EVENT_TYPES, BUILTIN_EVENT_TYPES, EventCatalog, parseEventTypeExtensions, type EventTypeDefinition, type Severity } from './catalog';
export { acceptEvent, EventInputSchema, HeraldEventSchema, parseAcceptedEvent, parseEventJson, webhookPayload, type EventInput, type HeraldEvent } from './envelope';
export { newEventId, sourceEventId, type SourcePosition } from './event-id';
export { checkEventSize, checkValues, decodeJsonText, INTAKE_LIMITS } from './intake-limits';
export { InvalidEventError, REJECTION_CATEGORIES, type IntakeViolation } from './invalid-event';
export { EventCatalogModule } from './catalog.module';
