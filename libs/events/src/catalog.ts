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
  /**
   * Other names producers may send for this type (a platform's own spelling, e.g. Reoclo's
   * `deploy_failed`). Filters, toggles and formatting treat an alias as the type; the event keeps
   * the name it was sent with, so the body a receiver gets carries its platform's spelling.
   */
  aliases?: readonly string[];
  /**
   * Where in `data` the event's default ordering key is (dotted paths, the first present string or number wins), for
   * events sent without `ordering_key`: the deployment id for deployment events, so `deployment.started` and
   * `deployment.completed` of one deployment reach a webhook in order while other deployments' events pass.
   */
  orderingKey?: readonly string[];
}

const DEPLOYMENT_KEY = ['deployment_id', 'deployment.id', 'deploy_id', 'deploy.id'] as const;
const BUILD_KEY = ['build_id', 'build.id'] as const;

/**
 * Every event type the seeds name. Extend at deploy time with HERALD_EVENT_TYPES
 * (a JSON array of EventTypeDefinition) rather than editing this list.
 *
 * Names are kept as each seed spells them, lower-cased, with two normalisations:
 * Reoclo's `deploy_started|succeeded|failed` are the same events as oec.sh's `deploy.*`
 * and live there; oxo-flow's `WorkflowFailed`/`RuleFailed`... become `workflow.failed`/`rule.failed`.
 * Both seeds' own spellings are accepted as aliases, so their producers need no change.
 *
 * Default on/off: seed 001's table wins where it names the event. Everywhere else one
 * rule: a type is on unless it is a progress step that a terminal event always follows
 * (queued, started, triggered, skipped, a status tick), because those double the volume
 * and say nothing a person must act on. So failures, security, successes and rare
 * lifecycle events (created, deleted, cancelled, approvals) are on. An org's toggle
 * overrides the default (routing checks it before any subscription filter).
 */
export const BUILTIN_EVENT_TYPES: readonly EventTypeDefinition[] = [
  // Herald's own operational events.
  { type: 'ping', category: 'system', severity: 'info', description: 'A test delivery sent from the admin API.', enabledByDefault: true },
  { type: 'webhook.paused', category: 'system', severity: 'failure', description: 'A webhook was paused after repeated failures.', enabledByDefault: true },
  { type: 'delivery.exhausted', category: 'system', severity: 'failure', description: 'A delivery failed for good after its last retry.', enabledByDefault: true },

  // oec.sh (seed 000) and Reoclo (seed 001): deploy.*
  { type: 'deploy.started', category: 'deployments', severity: 'info', description: 'A deployment started.', enabledByDefault: false, aliases: ['deploy_started'], orderingKey: DEPLOYMENT_KEY },
  { type: 'deploy.succeeded', category: 'deployments', severity: 'success', description: 'A deployment finished successfully.', enabledByDefault: true, aliases: ['deploy_succeeded'], orderingKey: DEPLOYMENT_KEY },
  { type: 'deploy.completed', category: 'deployments', severity: 'success', description: 'A deployment completed successfully.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },
  { type: 'deploy.failed', category: 'deployments', severity: 'failure', description: 'A deployment failed.', enabledByDefault: true, aliases: ['deploy_failed'], orderingKey: DEPLOYMENT_KEY },
  { type: 'deploy.cancelled', category: 'deployments', severity: 'info', description: 'A deployment was cancelled.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },

  // OEC.sh public API (seed 002) and Versioner (seed 004): deployment.*
  { type: 'deployment.pending', category: 'deployments', severity: 'info', description: 'A deployment was queued.', enabledByDefault: false, orderingKey: DEPLOYMENT_KEY },
  { type: 'deployment.started', category: 'deployments', severity: 'info', description: 'A deployment is in progress.', enabledByDefault: false, orderingKey: DEPLOYMENT_KEY },
  { type: 'deployment.succeeded', category: 'deployments', severity: 'success', description: 'A deployment finished successfully.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },
  { type: 'deployment.completed', category: 'deployments', severity: 'success', description: 'A deployment completed successfully.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },
  { type: 'deployment.failed', category: 'deployments', severity: 'failure', description: 'A deployment failed.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },
  { type: 'deployment.preflight_failed', category: 'deployments', severity: 'failure', description: 'A deployment failed its preflight checks before it started.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },
  { type: 'deployment.aborted', category: 'deployments', severity: 'info', description: 'A deployment was cancelled.', enabledByDefault: true, orderingKey: DEPLOYMENT_KEY },

  // Versioner (seed 004): build.*
  { type: 'build.pending', category: 'builds', severity: 'info', description: 'A build was queued.', enabledByDefault: false, orderingKey: BUILD_KEY },
  { type: 'build.started', category: 'builds', severity: 'info', description: 'A build is in progress.', enabledByDefault: false, orderingKey: BUILD_KEY },
  { type: 'build.completed', category: 'builds', severity: 'success', description: 'A build succeeded.', enabledByDefault: true, orderingKey: BUILD_KEY },
  { type: 'build.failed', category: 'builds', severity: 'failure', description: 'A build failed.', enabledByDefault: true, orderingKey: BUILD_KEY },
  { type: 'build.aborted', category: 'builds', severity: 'info', description: 'A build was cancelled.', enabledByDefault: true, orderingKey: BUILD_KEY },

  // oec.sh (seeds 000, 002): environments and servers.
  { type: 'environment.created', category: 'environments', severity: 'info', description: 'A new environment was provisioned.', enabledByDefault: true },
  { type: 'environment.deleted', category: 'environments', severity: 'info', description: 'An environment was deleted.', enabledByDefault: true },
  { type: 'environment.status_changed', category: 'environments', severity: 'info', description: "An environment's run status changed.", enabledByDefault: false },
  { type: 'server.degraded', category: 'infrastructure', severity: 'failure', description: 'A server is degraded.', enabledByDefault: true },

  // oec.sh (seed 000): automation rules.
  { type: 'automation_rule.triggered', category: 'automation', severity: 'info', description: 'An automation rule matched its trigger and started.', enabledByDefault: false },
  { type: 'automation_rule.completed', category: 'automation', severity: 'success', description: 'An automation rule ran all its actions successfully.', enabledByDefault: true },
  { type: 'automation_rule.failed', category: 'automation', severity: 'failure', description: 'An automation rule failed during execution.', enabledByDefault: true },

  // Reoclo (seed 001): all on by its defaults table. Expiry warnings need action, so they read as failures.
  { type: 'monitoring_dns_changed', category: 'monitoring', severity: 'info', description: 'DNS records changed for a domain.', enabledByDefault: true },
  { type: 'monitoring_ssl_expiring', category: 'monitoring', severity: 'failure', description: 'An SSL certificate is expiring soon.', enabledByDefault: true },
  { type: 'monitoring_domain_expiring', category: 'monitoring', severity: 'failure', description: 'A domain registration is expiring.', enabledByDefault: true },
  { type: 'monitoring_uptime_down', category: 'monitoring', severity: 'failure', description: 'A monitor detected downtime.', enabledByDefault: true },
  { type: 'monitoring_uptime_recovered', category: 'monitoring', severity: 'success', description: 'A monitor recovered from downtime.', enabledByDefault: true },
  { type: 'incident_created', category: 'incidents', severity: 'failure', description: 'A new incident was created.', enabledByDefault: true },
  { type: 'incident_updated', category: 'incidents', severity: 'info', description: "An incident's status was updated.", enabledByDefault: true },
  { type: 'incident_resolved', category: 'incidents', severity: 'success', description: 'An incident was resolved.', enabledByDefault: true },
  { type: 'scheduled_op_failed', category: 'scheduled_operations', severity: 'failure', description: 'A scheduled operation run failed.', enabledByDefault: true },
  { type: 'scheduled_op_auto_paused', category: 'scheduled_operations', severity: 'failure', description: 'A scheduled operation was auto-paused after consecutive failures.', enabledByDefault: true },
  { type: 'security_ip_conflict', category: 'security', severity: 'failure', description: "A server's IP address changed unexpectedly.", enabledByDefault: true },

  // oxo-flow (seed 003): workflow and rule execution.
  { type: 'workflow.started', category: 'workflows', severity: 'info', description: 'A workflow execution began.', enabledByDefault: false, aliases: ['WorkflowStarted'] },
  { type: 'workflow.completed', category: 'workflows', severity: 'success', description: 'All rules of a workflow completed successfully.', enabledByDefault: true, aliases: ['WorkflowCompleted'] },
  { type: 'workflow.failed', category: 'workflows', severity: 'failure', description: 'A workflow failed.', enabledByDefault: true, aliases: ['WorkflowFailed'] },
  { type: 'workflow.cancelled', category: 'workflows', severity: 'info', description: 'A workflow execution was cancelled.', enabledByDefault: true, aliases: ['WorkflowCancelled'] },
  { type: 'rule.started', category: 'workflows', severity: 'info', description: 'A workflow rule began execution.', enabledByDefault: false, aliases: ['RuleStarted'] },
  { type: 'rule.completed', category: 'workflows', severity: 'success', description: 'A workflow rule completed successfully.', enabledByDefault: true, aliases: ['RuleCompleted'] },
  { type: 'rule.failed', category: 'workflows', severity: 'failure', description: 'A workflow rule failed after all retries.', enabledByDefault: true, aliases: ['RuleFailed'] },
  { type: 'rule.skipped', category: 'workflows', severity: 'info', description: 'A workflow rule was skipped (outputs up to date).', enabledByDefault: false, aliases: ['RuleSkipped'] },

  // Versioner (seed 004): governance — Deployment Request lifecycle and version sign-offs.
  { type: 'dr.created', category: 'governance', severity: 'info', description: 'A Deployment Request was created.', enabledByDefault: true },
  { type: 'dr.activated', category: 'governance', severity: 'info', description: 'A Deployment Request moved to In Progress; approvals began.', enabledByDefault: true },
  { type: 'dr.deactivated', category: 'governance', severity: 'info', description: 'A Deployment Request was reverted to draft.', enabledByDefault: true },
  { type: 'dr.approved', category: 'governance', severity: 'success', description: 'An approval slot of a Deployment Request was filled.', enabledByDefault: true },
  { type: 'dr.rejected', category: 'governance', severity: 'failure', description: 'An approval slot of a Deployment Request was denied.', enabledByDefault: true },
  { type: 'dr.completed', category: 'governance', severity: 'success', description: 'A Deployment Request was marked complete.', enabledByDefault: true },
  { type: 'dr.cancelled', category: 'governance', severity: 'info', description: 'A Deployment Request was cancelled.', enabledByDefault: true },
  { type: 'version.approved', category: 'governance', severity: 'success', description: 'A quality sign-off was recorded on a version.', enabledByDefault: true },
];

/**
 * A subscription's event list holding this takes every event type, those off by default included
 * (seed 003: an omitted list means every event); only an org's explicit toggle turns one off.
 * An empty list stays "every type enabled for the org" (seed 001).
 */
export const ALL_EVENT_TYPES = '*';

/** Longest ordering key, in characters: an id, not a document. */
export const MAX_ORDERING_KEY = 256;

export class EventCatalog {
  private readonly byType: ReadonlyMap<string, EventTypeDefinition>;
  /** Every accepted name (types and aliases) to its definition. */
  private readonly byName: ReadonlyMap<string, EventTypeDefinition>;

  /** A later definition of the same type replaces the earlier; a name claimed by two types throws. */
  constructor(definitions: readonly EventTypeDefinition[] = BUILTIN_EVENT_TYPES) {
    this.byType = new Map(definitions.map((d) => [d.type, d]));
    const byName = new Map<string, EventTypeDefinition>();
    for (const definition of this.byType.values()) byName.set(definition.type, definition);
    for (const definition of this.byType.values()) {
      for (const alias of definition.aliases ?? []) {
        const taken = byName.get(alias);
        if (taken && taken !== definition) throw new Error(`event type alias '${alias}' of '${definition.type}' is already the name of '${taken.type}'`);
        byName.set(alias, definition);
      }
    }
    this.byName = byName;
  }

  /**
   * The built-in catalog plus definitions from configuration (later ones win). Redefining a
   * built-in type keeps its built-in aliases and adds the ones given, so turning a type on never
   * makes a seed's spelling unknown; so does its default ordering key, unless the entry names its own.
   */
  static withExtensions(extra: readonly EventTypeDefinition[]): EventCatalog {
    const builtin = new Map(BUILTIN_EVENT_TYPES.map((d) => [d.type, d]));
    const merged = extra.map((d) => {
      const aliases = [...new Set([...(builtin.get(d.type)?.aliases ?? []), ...(d.aliases ?? [])])];
      // Likewise its default ordering key, unless the entry names its own.
      const orderingKey = d.orderingKey ?? builtin.get(d.type)?.orderingKey;
      return { ...d, ...(aliases.length > 0 ? { aliases } : {}), ...(orderingKey ? { orderingKey } : {}) };
    });
    return new EventCatalog([...BUILTIN_EVENT_TYPES, ...merged]);
  }

  /** True for a type or an alias of one. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The definition of a type, or of the type an alias names. */
  get(name: string): EventTypeDefinition | undefined {
    return this.byName.get(name);
  }

  /** Every name of the type `name` stands for (the type, then its aliases); just `name` when unknown. For filters on stored events. */
  namesOf(name: string): string[] {
    const definition = this.byName.get(name);
    return definition ? [definition.type, ...(definition.aliases ?? [])] : [name];
  }

  /** The type a name stands for (itself for a type, its type for an alias); undefined when unknown. */
  typeOf(name: string): string | undefined {
    return this.byName.get(name)?.type;
  }

  /** The ordering key an event of `name` gets from its data when it has none of its own; undefined when none applies. */
  defaultOrderingKey(name: string, data: Record<string, unknown>): string | undefined {
    for (const path of this.byName.get(name)?.orderingKey ?? []) {
      let value: unknown = data;
      for (const part of path.split('.')) value = typeof value === 'object' && value !== null && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
      if ((typeof value === 'string' && value.length > 0) || typeof value === 'number') return String(value).slice(0, MAX_ORDERING_KEY);
    }
    return undefined;
  }

  list(): EventTypeDefinition[] {
    return [...this.byType.values()];
  }
}

const SEVERITIES = ['success', 'failure', 'info'] as const satisfies readonly Severity[];

const text = () => z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

// Strict objects: a misspelt key (`enabled_by_default`) fails start instead of being ignored.
const ExtensionSchema = z.array(
  z.strictObject({
    type: text()
      .max(128, 'must be at most 128 characters')
      .regex(/^[a-z][a-z0-9_.-]*$/, 'must start with a lower-case letter and contain only a-z, 0-9, _ . -'),
    category: text().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
    severity: z.enum(SEVERITIES, `must be one of ${SEVERITIES.join(', ')}`),
    description: text().max(500, 'must be at most 500 characters').default(''),
    enabledByDefault: z.boolean('must be true or false').default(true),
    aliases: z
      .array(
        text()
          .max(128, 'must be at most 128 characters')
          .regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'must start with a letter and contain only letters, 0-9, _ . -'),
        'must be an array of names',
      )
      .optional(),
    orderingKey: z.array(text().min(1, 'must not be empty').max(256, 'must be at most 256 characters'), 'must be an array of data paths').max(8, 'must name at most 8 paths').optional(),
  }, 'must be an object'),
  'must be a JSON array of event type definitions',
);

const where = (path: readonly PropertyKey[]): string =>
  path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');

/**
 * Reads HERALD_EVENT_TYPES (a JSON array of EventTypeDefinition, `aliases` included); an absent
 * or blank value adds nothing, a bad one throws naming the entry and field (`HERALD_EVENT_TYPES[1].severity: ...`) so
 * the service fails to start with the reason. An entry may redefine a built-in type (to change its
 * default, say), but the same type twice in the value is a mistake.
 */
export function parseEventTypeExtensions(json: string | undefined): EventTypeDefinition[] {
  if (!json?.trim()) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`HERALD_EVENT_TYPES is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ExtensionSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.code === 'unrecognized_keys' ? `${where(issue.path)}: unknown field(s) ${issue.keys.join(', ')}` : `${where(issue.path)}: ${issue.message}`;
    throw new Error(`HERALD_EVENT_TYPES${field}`);
  }
  const seen = new Set<string>();
  parsed.data.forEach((definition, index) => {
    if (seen.has(definition.type)) throw new Error(`HERALD_EVENT_TYPES[${index}].type: '${definition.type}' is defined twice`);
    seen.add(definition.type);
  });
  try {
    EventCatalog.withExtensions(parsed.data);
  } catch (error) {
    throw new Error(`HERALD_EVENT_TYPES: ${(error as Error).message}`);
  }
  return parsed.data;
}
