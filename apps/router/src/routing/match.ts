import type { EventCatalog, HeraldEvent } from '@herald/events';
import type { DestinationKind } from '@herald/deliveries';

/** A destination as the router sees it: what it wants, not how it is reached. */
export interface Subscription {
  kind: DestinationKind;
  id: string;
  /** Empty: every type enabled for the org. */
  eventTypes: readonly string[];
  /** Empty: every project. */
  projectIds: readonly string[];
  enabled: boolean;
}

/** An org's toggle wins; otherwise the catalog default; unknown types are off. */
export function isTypeEnabled(type: string, catalog: EventCatalog, toggles: ReadonlyMap<string, boolean>): boolean {
  return toggles.get(type) ?? catalog.get(type)?.enabledByDefault ?? false;
}

export function matches(event: HeraldEvent, subscription: Subscription): boolean {
  if (!subscription.enabled) return false;
  if (subscription.eventTypes.length > 0 && !subscription.eventTypes.includes(event.type)) return false;
  if (subscription.projectIds.length > 0 && (event.project_id === null || !subscription.projectIds.includes(event.project_id))) return false;
  return true;
}

/** Every subscription that should receive the event, or none when the org turned its type off. */
export function matchSubscriptions(
  event: HeraldEvent,
  subscriptions: readonly Subscription[],
  catalog: EventCatalog,
  toggles: ReadonlyMap<string, boolean>,
): Subscription[] {
  if (!isTypeEnabled(event.type, catalog, toggles)) return [];
  return subscriptions.filter((s) => matches(event, s));
}
