import { BUILTIN_EVENT_TYPES, EventCatalog, parseEventTypeExtensions } from './catalog';

const catalog = new EventCatalog();
const byType = (type: string) => {
  const definition = catalog.get(type);
  if (!definition) throw new Error(`missing ${type}`);
  return definition;
};

/** Every event type the seeds name, as Herald spells it (see the comment on BUILTIN_EVENT_TYPES). */
const SEED_TYPES = {
  '000 oec.sh': [
    'deploy.started', 'deploy.completed', 'deploy.failed', 'deploy.cancelled',
    'environment.created', 'environment.deleted', 'environment.status_changed',
    'automation_rule.triggered', 'automation_rule.completed', 'automation_rule.failed', 'ping',
  ],
  '001 Reoclo': [
    'deploy.started', 'deploy.succeeded', 'deploy.failed',
    'monitoring_dns_changed', 'monitoring_ssl_expiring', 'monitoring_domain_expiring', 'monitoring_uptime_down', 'monitoring_uptime_recovered',
    'incident_created', 'incident_updated', 'incident_resolved',
    'scheduled_op_failed', 'scheduled_op_auto_paused', 'security_ip_conflict',
  ],
  '002 OEC.sh API': ['deployment.succeeded', 'deployment.failed', 'environment.created', 'server.degraded'],
  '003 oxo-flow': [
    'workflow.started', 'workflow.completed', 'workflow.failed', 'workflow.cancelled',
    'rule.started', 'rule.completed', 'rule.failed', 'rule.skipped',
  ],
  '004 Versioner': [
    'deployment.pending', 'deployment.started', 'deployment.completed', 'deployment.failed', 'deployment.aborted', 'deployment.preflight_failed',
    'build.pending', 'build.started', 'build.completed', 'build.failed', 'build.aborted',
    'dr.created', 'dr.activated', 'dr.deactivated', 'dr.approved', 'dr.rejected', 'dr.completed', 'dr.cancelled', 'version.approved',
  ],
};

describe('BUILTIN_EVENT_TYPES', () => {
  it('names each type once', () => {
    const types = BUILTIN_EVENT_TYPES.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    expect(catalog.list()).toHaveLength(types.length);
  });

  it.each(Object.entries(SEED_TYPES))('has every event type of seed %s', (_seed, types) => {
    expect(types.filter((type) => !catalog.has(type))).toEqual([]);
  });

  it('has every prefix DESIGN.md promises', () => {
    const prefixes = ['deploy.', 'deployment.', 'build.', 'environment.', 'automation_rule.', 'monitoring_', 'incident_', 'scheduled_op_', 'security_', 'dr.', 'version.approved', 'workflow.', 'rule.'];
    const types = catalog.list().map((d) => d.type);
    expect(prefixes.filter((prefix) => !types.some((type) => type.startsWith(prefix)))).toEqual([]);
  });

  it('keeps the operational types the services emit', () => {
    expect(['ping', 'webhook.paused', 'delivery.exhausted'].every((type) => catalog.has(type))).toBe(true);
  });

  it('describes every type with a category, a severity and a one-line description', () => {
    for (const definition of BUILTIN_EVENT_TYPES) {
      expect(definition.type).toMatch(/^[a-z][a-z0-9_.-]*$/);
      expect(definition.category).toMatch(/^[a-z_]+$/);
      expect(['success', 'failure', 'info']).toContain(definition.severity);
      expect(definition.description).toMatch(/^[A-Z].*\.$/);
      expect(definition.description).not.toContain('\n');
    }
  });

  it('follows seed 001 defaults: deploy started off, everything else in its table on', () => {
    expect(byType('deploy.started').enabledByDefault).toBe(false);
    const on = SEED_TYPES['001 Reoclo'].filter((type) => type !== 'deploy.started');
    expect(on.filter((type) => !byType(type).enabledByDefault)).toEqual([]);
  });

  it('turns every failure and security event on, and the progress steps off', () => {
    const off = catalog.list().filter((d) => !d.enabledByDefault);
    expect(off.filter((d) => d.severity === 'failure' || d.category === 'security')).toEqual([]);
    expect(off.map((d) => d.type).sort()).toEqual([
      'automation_rule.triggered', 'build.pending', 'build.started', 'deploy.started', 'deployment.pending', 'deployment.started',
      'environment.status_changed', 'rule.skipped', 'rule.started', 'workflow.started',
    ]);
  });

  it('colours outcomes by what they mean', () => {
    expect(byType('deployment.failed').severity).toBe('failure');
    expect(byType('deployment.preflight_failed').severity).toBe('failure');
    expect(byType('deployment.completed').severity).toBe('success');
    expect(byType('monitoring_uptime_recovered').severity).toBe('success');
    expect(byType('incident_resolved').severity).toBe('success');
    expect(byType('dr.rejected').severity).toBe('failure');
    expect(byType('security_ip_conflict').severity).toBe('failure');
    expect(byType('deploy.started').severity).toBe('info');
    expect(byType('automation_rule.failed').category).toBe('automation');
    expect(byType('dr.created').category).toBe('governance');
    expect(byType('version.approved').category).toBe('governance');
  });
});

describe('EventCatalog.withExtensions', () => {
  it('adds configured types and lets configuration redefine a built-in one', () => {
    const extended = EventCatalog.withExtensions(
      parseEventTypeExtensions(
        JSON.stringify([
          { type: 'billing.invoice_overdue', category: 'billing', severity: 'failure' },
          { type: 'deploy.started', category: 'deployments', severity: 'info', description: 'Noisy but wanted.', enabledByDefault: true },
        ]),
      ),
    );
    expect(extended.get('billing.invoice_overdue')).toEqual({ type: 'billing.invoice_overdue', category: 'billing', severity: 'failure', description: '', enabledByDefault: true });
    expect(extended.get('deploy.started')?.enabledByDefault).toBe(true);
    expect(extended.list()).toHaveLength(BUILTIN_EVENT_TYPES.length + 1);
    expect(catalog.get('deploy.started')?.enabledByDefault).toBe(false);
  });
});

describe('aliases', () => {
  it("accepts seeds 001 and 003's own spellings as names of their types", () => {
    const spellings: Record<string, string> = {
      deploy_started: 'deploy.started', deploy_succeeded: 'deploy.succeeded', deploy_failed: 'deploy.failed',
      WorkflowStarted: 'workflow.started', WorkflowCompleted: 'workflow.completed', WorkflowFailed: 'workflow.failed', WorkflowCancelled: 'workflow.cancelled',
      RuleStarted: 'rule.started', RuleCompleted: 'rule.completed', RuleFailed: 'rule.failed', RuleSkipped: 'rule.skipped',
    };
    for (const [alias, type] of Object.entries(spellings)) {
      expect(catalog.has(alias)).toBe(true);
      expect(catalog.typeOf(alias)).toBe(type);
      expect(catalog.get(alias)).toBe(catalog.get(type));
    }
    expect(catalog.typeOf('deploy.failed')).toBe('deploy.failed');
    expect(catalog.typeOf('DeployFailed')).toBeUndefined();
    expect(catalog.namesOf('deploy_failed')).toEqual(['deploy.failed', 'deploy_failed']);
    expect(catalog.namesOf('rule.failed')).toEqual(['rule.failed', 'RuleFailed']);
    expect(catalog.namesOf('no.such')).toEqual(['no.such']);
    expect(catalog.list().map((d) => d.type)).not.toContain('deploy_failed');
  });

  it('lets configuration add aliases to its own types and to built-in ones, keeping the built-in aliases', () => {
    const extended = EventCatalog.withExtensions(
      parseEventTypeExtensions(
        JSON.stringify([
          { type: 'billing.invoice_overdue', category: 'billing', severity: 'failure', aliases: ['InvoiceOverdue'] },
          { type: 'deploy.failed', category: 'deployments', severity: 'failure', aliases: ['DeployFailed'] },
        ]),
      ),
    );
    expect(extended.typeOf('InvoiceOverdue')).toBe('billing.invoice_overdue');
    expect(extended.typeOf('DeployFailed')).toBe('deploy.failed');
    expect(extended.typeOf('deploy_failed')).toBe('deploy.failed');
  });

  it('refuses a name claimed by two types', () => {
    expect(() => parseEventTypeExtensions(JSON.stringify([{ type: 'billing.paid', category: 'billing', severity: 'success', aliases: ['deploy.failed'] }]))).toThrow(
      "HERALD_EVENT_TYPES: event type alias 'deploy.failed' of 'billing.paid' is already the name of 'deploy.failed'",
    );
    expect(() => new EventCatalog([
      { type: 'a.one', category: 'x', severity: 'info', description: '', enabledByDefault: true, aliases: ['Same'] },
      { type: 'a.two', category: 'x', severity: 'info', description: '', enabledByDefault: true, aliases: ['Same'] },
    ])).toThrow(/'Same' of 'a.two' is already the name of 'a.one'/);
  });
});

describe('parseEventTypeExtensions', () => {
  const reason = (json: string): string => {
    try {
      parseEventTypeExtensions(json);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('parsed');
  };
  const entry = { type: 'billing.invoice_overdue', category: 'billing', severity: 'failure' };
  const withEntry = (over: Record<string, unknown>) => JSON.stringify([entry, { ...entry, type: 'billing.paid', ...over }]);

  it('adds nothing when unset or blank', () => {
    expect(parseEventTypeExtensions(undefined)).toEqual([]);
    expect(parseEventTypeExtensions('')).toEqual([]);
    expect(parseEventTypeExtensions('  \n')).toEqual([]);
    expect(parseEventTypeExtensions('[]')).toEqual([]);
  });

  it('rejects text that is not JSON', () => {
    expect(reason('[{"type": ')).toMatch(/^HERALD_EVENT_TYPES is not valid JSON: /);
  });

  it('wants an array of objects', () => {
    expect(reason(JSON.stringify(entry))).toBe('HERALD_EVENT_TYPES: must be a JSON array of event type definitions');
    expect(reason('[1]')).toBe('HERALD_EVENT_TYPES[0]: must be an object');
  });

  it('names the entry and the field at fault', () => {
    expect(reason(withEntry({ type: undefined }))).toBe('HERALD_EVENT_TYPES[1].type: is required');
    expect(reason(withEntry({ type: 'Billing.Paid' }))).toMatch(/^HERALD_EVENT_TYPES\[1\]\.type: must start with a lower-case letter/);
    expect(reason(withEntry({ type: 'x'.repeat(129) }))).toBe('HERALD_EVENT_TYPES[1].type: must be at most 128 characters');
    expect(reason(withEntry({ category: ' ' }))).toBe('HERALD_EVENT_TYPES[1].category: must not be empty');
    expect(reason(withEntry({ severity: 'warning' }))).toBe('HERALD_EVENT_TYPES[1].severity: must be one of success, failure, info');
    expect(reason(withEntry({ enabledByDefault: 'yes' }))).toBe('HERALD_EVENT_TYPES[1].enabledByDefault: must be true or false');
    expect(reason(withEntry({ description: 42 }))).toBe('HERALD_EVENT_TYPES[1].description: must be a string');
  });

  it('rejects misspelt fields rather than ignoring them', () => {
    expect(reason(withEntry({ enabled_by_default: false }))).toBe('HERALD_EVENT_TYPES[1]: unknown field(s) enabled_by_default');
  });

  it('rejects the same type twice', () => {
    expect(reason(JSON.stringify([entry, entry]))).toBe("HERALD_EVENT_TYPES[1].type: 'billing.invoice_overdue' is defined twice");
  });
});

describe('default ordering keys', () => {
  it('keys deployment and build events by their id in data, aliases included, whichever spelling the producer uses', () => {
    expect(catalog.defaultOrderingKey('deployment.started', { deployment_id: 'dep_1' })).toBe('dep_1');
    expect(catalog.defaultOrderingKey('deployment.completed', { deployment: { id: 'dep_1' } })).toBe('dep_1');
    expect(catalog.defaultOrderingKey('deploy_failed', { deploy_id: 42 })).toBe('42');
    expect(catalog.defaultOrderingKey('build.failed', { build: { id: 'b_7' } })).toBe('b_7');
  });

  it('gives no key where the type names none, or its data has no usable value there', () => {
    expect(catalog.defaultOrderingKey('server.degraded', { deployment_id: 'dep_1' })).toBeUndefined();
    expect(catalog.defaultOrderingKey('deployment.started', { deployment_id: '' })).toBeUndefined();
    expect(catalog.defaultOrderingKey('deployment.started', { deployment: { id: { nested: true } } })).toBeUndefined();
    expect(catalog.defaultOrderingKey('deployment.started', JSON.parse('{"__proto__": {"id": "x"}}') as Record<string, unknown>)).toBeUndefined();
    expect(catalog.defaultOrderingKey('nope.nothing', { deployment_id: 'dep_1' })).toBeUndefined();
  });

  it('lets configuration name paths for its own types and keeps the built-in paths of a redefined type', () => {
    const extended = EventCatalog.withExtensions(
      parseEventTypeExtensions(
        JSON.stringify([
          { type: 'billing.invoice_overdue', category: 'billing', severity: 'failure', orderingKey: ['invoice.id'] },
          { type: 'deploy.started', category: 'deployments', severity: 'info', enabledByDefault: true },
        ]),
      ),
    );
    expect(extended.defaultOrderingKey('billing.invoice_overdue', { invoice: { id: 'inv_1' } })).toBe('inv_1');
    expect(extended.defaultOrderingKey('deploy.started', { deployment_id: 'dep_1' })).toBe('dep_1');
    expect(() => parseEventTypeExtensions(JSON.stringify([{ type: 'a.b', category: 'c', severity: 'info', orderingKey: 'invoice.id' }]))).toThrow(/orderingKey/);
  });
});
