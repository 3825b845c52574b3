import type { HeraldEvent } from '@herald/events';
import { checkTemplate, evaluateTemplate, PRESET_TEMPLATES, TEMPLATE_LIMITS, templateBody, TemplateEvaluationError, TemplateSyntaxError } from './template';

const event = (over: Partial<HeraldEvent> = {}): HeraldEvent => ({
  id: 'evt_1',
  type: 'deployment.completed',
  org_id: 'org_1',
  project_id: null,
  occurred_at: '2026-05-24T14:06:05.890103+00:00',
  created_at: '2026-05-24T14:06:06.000Z',
  data: {},
  ...over,
});
const deployments = { type: 'deployment.completed', severity: 'success', category: 'deployments' } as const;

describe('checkTemplate', () => {
  it('accepts expressions and known presets', () => {
    expect(() => checkTemplate('{ "event": type }')).not.toThrow();
    for (const name of Object.keys(PRESET_TEMPLATES)) expect(() => checkTemplate(`preset:${name}`)).not.toThrow();
  });

  it('names the position of a syntax error, and refuses unknown presets and oversize text', () => {
    const error = (() => {
      try {
        checkTemplate('{ "event": type, ');
      } catch (e) {
        return e as TemplateSyntaxError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(TemplateSyntaxError);
    expect(error.position).toBeGreaterThan(0);
    expect(error.message).toMatch(/at position \d+/);
    expect(() => checkTemplate('preset:nope')).toThrow(/unknown preset 'nope'/);
    expect(() => checkTemplate(`"${'x'.repeat(TEMPLATE_LIMITS.maxSourceLength)}"`)).toThrow(TemplateSyntaxError);
  });
});

describe('evaluateTemplate', () => {
  it('reshapes the event, with the canonical type, severity and title at hand', async () => {
    const result = await evaluateTemplate('{ "t": type, "c": $canonicalType, "s": $severity, "title": $title, "n": $orNull(data.none) }', event({ type: 'deploy_failed', data: { environment: 'prod' } }), {
      type: 'deploy.failed',
      severity: 'failure',
      category: 'deployments',
    });
    expect(result).toEqual({ t: 'deploy_failed', c: 'deploy.failed', s: 'failure', title: 'Deployment failed — prod', n: null });
  });

  it('fails with the reason on a runtime error, a loop that runs out of time, nothing produced, or an oversize output', async () => {
    await expect(evaluateTemplate('$number("x")', event(), deployments)).rejects.toThrow(TemplateEvaluationError);
    await expect(evaluateTemplate('($f := function($x) { $f($x + 1) }; $f(1))', event(), deployments)).rejects.toThrow(/D1012|stack|timeout/i);
    await expect(evaluateTemplate('data.missing', event(), deployments)).rejects.toThrow('template produced nothing for this event');
    await expect(evaluateTemplate(`$pad("", ${TEMPLATE_LIMITS.maxOutputBytes + 1})`, event(), deployments)).rejects.toThrow(/exceeds the output limit/);
    const wide = await evaluateTemplate('{ "twice": data.big & data.big }', event({ data: { big: 'x'.repeat(200_000) } }), deployments);
    expect(() => templateBody(wide, JSON.stringify)).toThrow(/over the 262144-byte limit/);
    expect(() => templateBody(() => 1, () => { throw new TypeError('$: a function has no JSON form'); })).toThrow(/not JSON/);
  });

  it("versioner preset: the flat payload follows seed 004's is_successful table", async () => {
    const flat = async (type: string) => (await evaluateTemplate('preset:versioner', event({ type, data: { id: 'd1', environment: 'production' } }), { type, severity: 'info', category: 'deployments' })) as Record<string, unknown>;
    expect((await flat('deployment.completed')).is_successful).toBe(true);
    expect((await flat('deployment.failed')).is_successful).toBe(false);
    expect((await flat('deployment.preflight_failed')).is_successful).toBe(false);
    for (const type of ['deployment.pending', 'deployment.started', 'deployment.aborted', 'build.completed', 'build.failed']) expect((await flat(type)).is_successful).toBeNull();
    expect(Object.keys(await flat('deployment.completed')).sort()).toEqual(
      ['commit_sha', 'deployed_at', 'deployer', 'environment', 'event_type', 'id', 'is_successful', 'preflight_status', 'product_name', 'repo_name', 'source_url', 'version'],
    );
  });

  it('gives a template no way out to the host: no prototype, no constructor, no Function', async () => {
    for (const attempt of ['data.constructor', '$lookup(data, "__proto__")', '$orNull.constructor', 'data.constructor.constructor("return process")()']) {
      const result = await evaluateTemplate(attempt, event({ data: { a: 1 } }), deployments).catch((error: Error) => error);
      expect(result).toBeInstanceOf(TemplateEvaluationError);
    }
  });
});
