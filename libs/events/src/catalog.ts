import { z } from 'zod';

/** How an event reads to a person: drives colours in chat and email. */
export type Severity = 'success' | 'failure' | 'info';

export interface EventTypeDefinition {
  /** Dotted or underscored name as producers send it, e.g. `deploy.failed`. */
  type: string;
  category: string;
  severity: Severity;
  description: string;
  /** Whether orgs receive it before anyone toggles it (seed 001's event defaults). */
  enabledByDefault: boolean;
}

/**
 * Every event type the seeds name. Extend at deploy time with HERALD_EVENT_TYPES
 * (a JSON array of EventTypeDefinition) rather than editing this list.
 */
export const BUILTIN_EVENT_TYPES: readonly EventTypeDefinition[] = [
  { type: 'deploy.started', category: 'deployments', severity: 'info', description: 'A deployment started.', enabledByDefault: false },
  { type: 'deploy.succeeded', category: 'deployments', severity: 'success', description: 'A deployment finished successfully.', enabledByDefault: true },
  { type: 'deploy.failed', category: 'deployments', severity: 'failure', description: 'A deployment failed.', enabledByDefault: true },
  { type: 'ping', category: 'system', severity: 'info', description: 'A test delivery sent from the admin API.', enabledByDefault: true },
  { type: 'webhook.paused', category: 'system', severity: 'failure', description: 'A webhook was paused after repeated failures.', enabledByDefault: true },
  { type: 'delivery.exhausted', category: 'system', severity: 'failure', description: 'A delivery failed for good after its last retry.', enabledByDefault: true },
];

export class EventCatalog {
  private readonly byType: ReadonlyMap<string, EventTypeDefinition>;

  constructor(definitions: readonly EventTypeDefinition[] = BUILTIN_EVENT_TYPES) {
    this.byType = new Map(definitions.map((d) => [d.type, d]));
  }

  /** The built-in catalog plus definitions from configuration (later ones win). */
  static withExtensions(extra: readonly EventTypeDefinition[]): EventCatalog {
    return new EventCatalog([...BUILTIN_EVENT_TYPES, ...extra]);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  get(type: string): EventTypeDefinition | undefined {
    return this.byType.get(type);
  }

  list(): EventTypeDefinition[] {
    return [...this.byType.values()];
  }
}

const ExtensionSchema = z.array(
  z.object({
    type: z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'must be lower-case letters, digits, _ . -'),
    category: z.string().min(1),
    severity: z.enum(['success', 'failure', 'info']),
    description: z.string().default(''),
    enabledByDefault: z.boolean().default(true),
  }),
);

/** Reads HERALD_EVENT_TYPES; an absent value adds nothing, a bad one fails start with the reason. */
export function parseEventTypeExtensions(json: string | undefined): EventTypeDefinition[] {
  if (!json?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('HERALD_EVENT_TYPES is not valid JSON');
  }
  const parsed = ExtensionSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`HERALD_EVENT_TYPES[${issue.path.join('.')}]: ${issue.message}`);
  }
  return parsed.data;
}
