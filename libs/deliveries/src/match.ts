import { ALL_EVENT_TYPES, type EventCatalog, type HeraldEvent } from '@herald/events';
import { matchesFilter, type Filter } from '@herald/filters';
import type { DestinationKind } from './job';

/** A destination as routing sees it: what it wants, not how it is reached. */
export interface Subscription {
  kind: DestinationKind;
  id: string;
  /** Empty: every type enabled for the org; `*` (ALL_EVENT_TYPES): every type, those off by default too. */
  eventTypes: readonly string[];
  /** Empty: every project. */
  projectIds: readonly string[];
  enabled: boolean;
  /** Content filter on the event (libs/filters); null: every event of the listed types and projects. */
  filter: Filter | null;
}

/**
 * An org's toggle wins; otherwise the catalog default; unknown types are off. An alias answers
 * as its type (toggles are stored under the type), so a toggle on either name applies to both.
 */
export function isTypeEnabled(name: string, catalog: EventCatalog, toggles: ReadonlyMap<string, boolean>): boolean {
  const definition = catalog.get(name);
  return toggles.get(definition?.type ?? name) ?? definition?.enabledByDefault ?? false;
}

/** What a webhook or email channel row says about the events it wants. */
export interface SubscribedDestination {
  id: string;
  eventTypes: readonly string[];
  projectIds: readonly string[];
  enabled: boolean;
  filter: Filter | null;
}

export function subscriptionOf(kind: DestinationKind, destination: SubscribedDestination): Subscription {
  return { kind, id: destination.id, eventTypes: destination.eventTypes, projectIds: destination.projectIds, enabled: destination.enabled, filter: destination.filter };
}

/**
 * A subscription listing a type takes its aliases too, and the other way round. The content filter, the dearest
 * check, runs last: once per event and destination, only for destinations the event's type and project reach.
 */
export function matches(event: HeraldEvent, subscription: Subscription, catalog: EventCatalog): boolean {
  if (!subscription.enabled) return false;
  const type = catalog.typeOf(event.type) ?? event.type;
  const listed = subscription.eventTypes.length === 0 || subscription.eventTypes.some((name) => name === ALL_EVENT_TYPES || (catalog.typeOf(name) ?? name) === type);
  if (!listed) return false;
  if (subscription.projectIds.length > 0 && (event.project_id === null || !subscription.projectIds.includes(event.project_id))) return false;
  return matchesFilter(subscription.filter, event);
}

/**
 * Every subscription that should receive the event: none when the org turned its type off or
 * the type is unknown; only `*` subscriptions when the type is merely off by default.
 */
export function matchSubscriptions(
  event: HeraldEvent,
  subscriptions: readonly Subscription[],
  catalog: EventCatalog,
  toggles: ReadonlyMap<string, boolean>,
): Subscription[] {
  const definition = catalog.get(event.type);
  const toggle = definition && toggles.get(definition.type);
  if (!definition || toggle === false) return [];
  const onForAll = isTypeEnabled(event.type, catalog, toggles);
  return subscriptions.filter((s) => matches(event, s, catalog) && (onForAll || s.eventTypes.includes(ALL_EVENT_TYPES)));
}

/**
 * Whether one destination receives the event, by exactly ingest's routing rules (the org's toggles included): what a
 * backfill replay uses to pick, from the event log, the events a destination would have been sent.
 */
export function receives(event: HeraldEvent, subscription: Subscription, catalog: EventCatalog, toggles: ReadonlyMap<string, boolean>): boolean {
  return matchSubscriptions(event, [subscription], catalog, toggles).length === 1;
}
