import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deliveryId } from '@herald/deliveries';
import { Topics } from '@herald/kafka';
import { DeliveryRepository } from '@herald/persistence';
import { eventually, readTopic, type ReceivedRequest, type Receiver } from '@herald/testing';
import { root, suitePorts } from './support/stack';
import { adminApi } from './support/admin-api';
import { endToEnd, type PublishedEvent } from './support/suite';

/**
 * Each seed's public wire contract through the four real services: one webhook with the seed's
 * template and header names, the seed's own example event under its own event name, a loopback
 * receiver that checks the body field for field, and the seed's own verification code (its
 * Python and Node snippets, run as published) accepting the delivery before, during and after a
 * secret rotation. "After the grace window" is reached by moving the stored grace end to now in
 * the database (webhook_secrets.expires_at), not by waiting 24 hours.
 */
const PORT_BASE = suitePorts(4700);
const SIGNING_TESTS = path.join(root, 'libs/signing/test');
const SEED_VERIFIERS = path.join(root, 'e2e/support/seed-verifiers');

/** Runs a seed receiver: exit 0 means it accepted the delivery. */
function accepts(command: 'python3' | 'node', script: string, args: string[], body: string): boolean {
  const file = path.join(command === 'python3' ? SIGNING_TESTS : SEED_VERIFIERS, script);
  try {
    execFileSync(command, [file, ...args], { input: body, stdio: ['pipe', 'ignore', 'pipe'], timeout: 15_000 });
    return true;
  } catch (error) {
    const { status, stderr } = error as { status: number | null; stderr?: Buffer };
    if (status === 1 || status === 3) return false;
    throw new Error(`${script} did not run: ${stderr?.toString() ?? String(error)}`);
  }
}

const header = (request: ReceivedRequest, name: string) => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
};

describe("seeds' wire contracts", () => {
  const suite = endToEnd({ portBase: PORT_BASE });
  const { dataSource, receiver, org } = suite;
  /** Calls the running ingest's admin API as the org's admin. */
  const admin = adminApi(suite, PORT_BASE);
  const api = admin.call;

  const send = (orgId: string, event: PublishedEvent & { occurred_at?: string }) =>
    suite.producer.send({ topic: Topics.events, messages: [{ key: orgId, value: JSON.stringify({ ...event, org_id: orgId, data: event.data ?? {} }) }] });

  /** Publishes the event and returns the first request after it at `route` whose body holds `marker`. */
  const deliver = async (target: Receiver, orgId: string, route: string, event: PublishedEvent & { occurred_at?: string }, marker: string): Promise<ReceivedRequest> => {
    const before = target.requests.length;
    await send(orgId, event);
    return eventually(() => target.requests.slice(before).find((r) => r.path === route && r.body.includes(marker)), 45_000);
  };

  /**
   * Creates the webhook through the API, then checks one seed's verifier before, during and after
   * a rotation. `verify(request, secret, signatureHeader)` runs the seed's code on the delivery.
   */
  async function rotationLifecycle(options: {
    orgId: string;
    webhook: Record<string, unknown>;
    event: (n: number) => PublishedEvent & { occurred_at?: string };
    /** A string in the n-th example's body that tells its deliveries apart (a documented field's value). */
    marker: (n: number) => string;
    signatureHeader: string;
    verify: (request: ReceivedRequest, secret: string, signature: string) => void;
    checkBody: (body: Record<string, unknown>, request: ReceivedRequest) => void;
  }) {
    await org(options.orgId);
    admin.actAs(options.orgId);
    const target = await receiver();
    const route = `/${options.orgId}`;
    const created = await api('POST', '/webhooks', { ...options.webhook, url: `${target.url}${route}` });
    expect(created.status).toBe(201);
    const firstSecret: string = created.body.secret;

    // Before any rotation: exactly one signature, the seed's code accepts it with the one secret.
    const first = await deliver(target, options.orgId, route, options.event(1), options.marker(1));
    options.checkBody(JSON.parse(first.body), first);
    expect(header(first, `${options.signatureHeader}-Next`)).toBeUndefined();
    options.verify(first, firstSecret, header(first, options.signatureHeader)!);

    // During the grace window: the main header still verifies with the secret receivers hold,
    // the new secret's signature is offered in <header>-Next, which the same code accepts.
    const rotated = await api('POST', `/webhooks/${created.body.id}/rotate-secret`, { grace_seconds: 3600 });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.secret;
    const during = await eventually(async () => {
      const request = await deliver(target, options.orgId, route, options.event(2), options.marker(2));
      return header(request, `${options.signatureHeader}-Next`) ? request : undefined;
    }, 60_000);
    options.checkBody(JSON.parse(during.body), during);
    expect(header(during, options.signatureHeader)).not.toContain(',');
    options.verify(during, firstSecret, header(during, options.signatureHeader)!);
    options.verify(during, newSecret, header(during, `${options.signatureHeader}-Next`)!);

    // After the grace window (its stored end moved to now): one signature again, by the new secret.
    await dataSource.query('UPDATE webhook_secrets SET expires_at = now() WHERE webhook_id = $1 AND expires_at IS NOT NULL', [created.body.id]);
    const after = await eventually(async () => {
      const request = await deliver(target, options.orgId, route, options.event(3), options.marker(3));
      return header(request, `${options.signatureHeader}-Next`) === undefined ? request : undefined;
    }, 60_000);
    options.checkBody(JSON.parse(after.body), after);
    options.verify(after, newSecret, header(after, options.signatureHeader)!);
    expect(() => options.verify(after, firstSecret, header(after, options.signatureHeader)!)).toThrow();
  }

  const mustAccept = (accepted: boolean, who: string) => {
    if (!accepted) throw new Error(`${who} rejected the delivery`);
  };

  it('000 oec.sh: { id, type, created_at, data } with X-OEC-Signature, verified by its Python snippet', async () => {
    const data = (n: number) => ({ rule_name: 'Deploy main to staging', action_type: 'deploy_latest', trigger_type: 'push', branch: 'main', actor: 'alice@example.com', error: `Build step exited with status ${n}` });
    await rotationLifecycle({
      orgId: 'org_seed_000',
      webhook: { signing_scheme: 'hmac-sha256', signature_header: 'X-OEC-Signature', payload_template: 'preset:oec', events: ['automation_rule.failed'], retry_schedule: ['30s', '5m', '30m', '2h'], secret: 'whsec_oec_shared_secret_0001' },
      event: (n) => ({ id: `oec-${n}-${Date.now()}`, type: 'automation_rule.failed', data: data(n) }),
      marker: (n) => `status ${n}`,
      signatureHeader: 'X-OEC-Signature',
      verify: (request, secret, signature) => mustAccept(accepts('python3', 'verify_hmac_sha256.py', [secret, signature], request.body), 'seed 000 Python'),
      checkBody: (body) => {
        expect(Object.keys(body).sort()).toEqual(['created_at', 'data', 'id', 'type']);
        expect(body.type).toBe('automation_rule.failed');
        expect(body.data).toEqual(data(Number(/status (\d)/.exec(String((body.data as { error: string }).error))![1])));
      },
    });
  }, 180_000);

  it('001 Reoclo: the documented payload for deploy_succeeded with X-Reoclo-Signature-256, verified by its Python and Node snippets', async () => {
    const tenant = '550e8400-e29b-41d4-a716-446655440000';
    const example = (n: number) => ({
      tenant_id: tenant,
      event: 'deploy_succeeded',
      subject: 'Deployment succeeded',
      body: `<p>Deployment for MyApp succeeded.</p><!-- reoclo-${n} -->`,
      metadata: { deployment_id: 'dep-abc123', application_id: 'app-xyz789', application_name: 'MyApp' },
      timestamp: '2026-04-10T15:30:45.123456+00:00',
    });
    await rotationLifecycle({
      orgId: tenant,
      webhook: { signing_scheme: 'hmac-sha256', signature_header: 'X-Reoclo-Signature-256', payload_template: 'preset:reoclo', events: ['deploy_succeeded', 'deploy_failed'], retry_schedule: ['1s', '2s', '4s'], secret: 'reoclo-shared-secret-01' },
      event: (n) => {
        const { subject, body, metadata, timestamp } = example(n);
        return { id: `reoclo-${n}-${Date.now()}`, type: 'deploy_succeeded', occurred_at: timestamp, data: { subject, body, metadata } };
      },
      marker: (n) => `reoclo-${n} `,
      signatureHeader: 'X-Reoclo-Signature-256',
      verify: (request, secret, signature) => {
        mustAccept(accepts('python3', 'verify_resorted.py', [secret, signature], request.body), 'seed 001 Python');
        mustAccept(accepts('node', 'reoclo.cjs', [secret, signature], request.body), 'seed 001 Node');
      },
      checkBody: (body) => {
        const n = Number(/reoclo-(\d)/.exec(String(body.body))![1]);
        expect(body).toEqual(example(n));
      },
    });
  }, 180_000);

  it('002 OEC.sh API: { id, type, created_at, data } with X-OECSH-Timestamp and X-OECSH-Signature, verified by its Python and Node snippets', async () => {
    const deployment = { id: 'dep_01HXMZ8QPK3R5T7V9X1Z3B5C7E', environment_id: 'env_01HXMZ0K3RJ8QM2P5T7V9X1Z3B', project_id: 'prj_01HXMY9P3RJ8QM2P5T7V9X1Z3B', git_sha: 'a3f8c2d', git_branch: 'main', started_at: '2026-05-07T14:21:48.000Z', finished_at: '2026-05-07T14:23:11.000Z', duration_seconds: 83, actor: 'github-actions' };
    const environment = { name: 'production', primary_url: 'https://acme.apps.oec.sh', odoo_version: '18.0' };
    await rotationLifecycle({
      orgId: 'org_seed_002',
      webhook: { signing_scheme: 'timestamped', signature_header: 'X-OECSH-Signature', timestamp_header: 'X-OECSH-Timestamp', payload_template: 'preset:oec', events: ['deployment.succeeded', 'deployment.failed'], retry_schedule: ['1s', '5s', '30s', '2m', '10m', '1h'], pause_after_failures: 5, secret: 'whsec_oecsh_shared_secret_02' },
      event: (n) => ({ id: `evt_oecsh_${n}_${Date.now()}`, type: 'deployment.succeeded', data: { deployment, environment } }),
      marker: (n) => `"id":"evt_oecsh_${n}_`,
      signatureHeader: 'X-OECSH-Signature',
      verify: (request, secret, signature) => {
        const ts = header(request, 'X-OECSH-Timestamp')!;
        mustAccept(accepts('python3', 'verify_timestamped.py', [secret, signature, ts], request.body), 'seed 002 Python');
        mustAccept(accepts('node', 'oecsh.mjs', [secret, signature, ts], request.body), 'seed 002 Node');
      },
      checkBody: (body) => {
        expect(Object.keys(body).sort()).toEqual(['created_at', 'data', 'id', 'type']);
        expect(body).toMatchObject({ type: 'deployment.succeeded', data: { deployment, environment } });
        expect(String(body.id)).toMatch(/^evt_oecsh_/);
      },
    });
  }, 180_000);

  it('003 oxo-flow: the documented RuleFailed payload with X-Hub-Signature-256, verified by GitHub’s documented receiver', async () => {
    const example = (n: number) => ({ event: 'RuleFailed', workflow: 'variant-calling', timestamp: '2026-05-18T12:00:00Z', rule: 'align_reads', message: "rule 'align_reads' failed with exit code 1", details: { exit_code: 1, stderr: `bwa: command not found (${n})` } });
    await rotationLifecycle({
      orgId: 'org_seed_003',
      webhook: { signing_scheme: 'github', payload_template: 'preset:oxo-flow', events: ['RuleFailed'], secret: 'my-shared-secret-oxo' },
      event: (n) => {
        const { workflow, rule, message, details, timestamp } = example(n);
        return { id: `oxo-${n}-${Date.now()}`, type: 'RuleFailed', occurred_at: timestamp, data: { workflow, rule, message, details } };
      },
      marker: (n) => `found (${n})`,
      signatureHeader: 'X-Hub-Signature-256',
      verify: (request, secret, signature) => mustAccept(accepts('python3', 'verify_github.py', [secret, signature], request.body), 'seed 003 (GitHub) Python'),
      checkBody: (body) => {
        const n = Number(/\((\d)\)/.exec(String((body.details as { stderr: string }).stderr))![1]);
        expect(body).toEqual(example(n));
      },
    });
  }, 180_000);

  it('004 Versioner: the flat deployment payload with X-Versioner-Event and X-Versioner-Signature, verified by its Python and Node snippets', async () => {
    const example = (n: number) => ({
      id: 'ac37da84-0891-48ae-9011-6500665804ee',
      deployed_at: '2026-05-24T14:06:05.890103+00:00',
      event_type: 'deployment.completed',
      environment: 'production',
      is_successful: true,
      deployer: 'Phil Austin',
      product_name: 'my-ui',
      version: `1.2.${6 + n}`,
      repo_name: 'versioner-io/versioner-ui',
      commit_sha: 'a3f9c2d1e4b5...',
      preflight_status: 'passed',
      source_url: 'https://app.versioner.io/manage/deployments?view=ac37da84-0891-48ae-9011-6500665804ee',
    });
    await rotationLifecycle({
      orgId: 'org_seed_004',
      webhook: { signing_scheme: 'hmac-sha256', signature_header: 'X-Versioner-Signature', event_header: 'X-Versioner-Event', payload_template: 'preset:versioner', events: ['deployment.completed', 'deployment.failed'], retry_schedule: ['1s', '2s'], client_errors_final: true, secret: 'versioner-hmac-secret-04' },
      event: (n) => {
        const { event_type: _type, is_successful: _derived, ...data } = example(n);
        return { id: `ver-${n}-${Date.now()}`, type: 'deployment.completed', data };
      },
      marker: (n) => `"version":"1.2.${6 + n}"`,
      signatureHeader: 'X-Versioner-Signature',
      verify: (request, secret, signature) => {
        mustAccept(accepts('python3', 'verify_versioner.py', [secret, signature], request.body), 'seed 004 Python');
        mustAccept(accepts('node', 'versioner.cjs', [secret, signature], request.body), 'seed 004 Node');
      },
      checkBody: (body, request) => {
        const n = Number(String(body.version).split('.')[2]) - 6;
        expect(body).toEqual(example(n));
        expect(header(request, 'X-Versioner-Event')).toBe('deployment.completed');
        expect(header(request, 'X-Herald-Event')).toBeUndefined();
      },
    });
  }, 180_000);

  it('an alias reaches subscribers of its type and the other way round; an org toggle on either name applies to both', async () => {
    await org('org_aliases');
    admin.actAs('org_aliases');
    const target = await receiver();
    for (const [id, events] of [['dotted', ['deploy.failed']], ['underscored', ['deploy_failed']]] as const) {
      expect((await api('POST', '/webhooks', { url: `${target.url}/${id}`, events, signing_scheme: 'github', secret: 'alias-test-secret-1' })).status).toBe(201);
    }
    await send('org_aliases', { id: 'alias-1', type: 'deploy_failed' });
    await send('org_aliases', { id: 'alias-2', type: 'deploy.failed' });
    const requests = await target.waitForRequests(4, 45_000);
    const seen = requests.map((r) => `${r.path} ${JSON.parse(r.body).type}`).sort();
    expect(seen).toEqual(['/dotted deploy.failed', '/dotted deploy_failed', '/underscored deploy.failed', '/underscored deploy_failed']);
    expect(requests.find((r) => r.path === '/dotted' && JSON.parse(r.body).id === 'alias-1')!.headers['x-herald-event']).toBe('deploy_failed');

    // A second org turns the type off by its alias before its first event, so routing's first look already has the toggle.
    await org('org_alias_off');
    admin.actAs('org_alias_off');
    expect((await api('PATCH', '/event-types/deploy_failed', { enabled: false })).body).toMatchObject({ type: 'deploy.failed', enabled: false, aliases: ['deploy_failed'] });
    for (const [id, events] of [['dotted', ['deploy.failed']], ['underscored', ['deploy_failed']], ['sentinel', ['deploy.succeeded']]] as const) {
      expect((await api('POST', '/webhooks', { url: `${target.url}/off/${id}`, events, signing_scheme: 'github', secret: 'alias-test-secret-1' })).status).toBe(201);
    }
    await send('org_alias_off', { id: 'off-1', type: 'deploy_failed' });
    await send('org_alias_off', { id: 'off-2', type: 'deploy.failed' });
    await send('org_alias_off', { id: 'off-sentinel', type: 'deploy_succeeded' });
    // Ingest routes an org's events in order: once the sentinel's job is out, the two before it were decided.
    const jobs = (await readTopic(suite.kafka, Topics.webhookDeliveries, (messages) => messages.some((m) => m.value?.toString().includes('"off-sentinel"')), 45_000))
      .map((m) => JSON.parse(m.value!.toString()) as { event: { id: string; org_id: string } })
      .filter((job) => job.event.org_id === 'org_alias_off');
    expect(jobs.map((job) => job.event.id)).toEqual(['off-sentinel']);
  }, 120_000);

  it('a template that fails, runs out of time or outgrows the limit fails only its own delivery, with the reason in the log', async () => {
    await org('org_templates');
    admin.actAs('org_templates');
    const target = await receiver();
    const broken = { runtime: '$error("no environment in this event")', timeout: '($f := function($x) { $f($x + 1) }; $f(0))', oversize: '{ "twice": data.big & data.big & data.big }' };
    const ids: Record<string, string> = {};
    for (const [name, template] of Object.entries({ ...broken, good: 'preset:oec' })) {
      const created = await api('POST', '/webhooks', { url: `${target.url}/${name}`, events: ['deploy.failed'], payload_template: template, signing_scheme: 'github', secret: 'template-test-secret' });
      expect(created.status).toBe(201);
      ids[name] = created.body.id;
    }
    const syntax = await api('POST', '/webhooks', { url: `${target.url}/x`, payload_template: '{ "event": type, ' });
    expect(syntax.status).toBe(422);
    expect(syntax.body).toMatchObject({ field: 'payload_template', position: expect.any(Number) });
    const preview = await api('POST', `/webhooks/${ids.good}/template/preview`, { event: { type: 'deploy_failed', data: { environment: 'prod' } } });
    expect(preview.status).toBe(200);
    expect(preview.body.json).toMatchObject({ type: 'deploy_failed', data: { environment: 'prod' } });
    expect(Object.keys(preview.body.json).sort()).toEqual(['created_at', 'data', 'id', 'type']);
    expect((await api('POST', `/webhooks/${ids.runtime}/template/preview`, { event: { type: 'deploy.failed' } })).body).toMatchObject({ status: 422, field: 'payload_template', detail: expect.stringContaining('no environment in this event') });

    const big = 'x'.repeat(100_000);
    await send('org_templates', { id: 'tpl-1', type: 'deploy.failed', data: { big } });
    await send('org_templates', { id: 'tpl-2', type: 'deploy.failed', data: { note: 'after' } });
    // The small event fits the oversize template, so that webhook receives it; the other two fail on every event.
    await eventually(() => (target.requests.filter((r) => r.path === '/good').length === 2 && target.requests.some((r) => r.path === '/oversize') ? true : undefined), 45_000);
    expect(target.requests.filter((r) => r.path !== '/good').map((r) => [r.path, JSON.parse(r.body).twice])).toEqual([['/oversize', '']]);
    const deliveries = new DeliveryRepository(dataSource);
    const reasons = { runtime: /no environment in this event/, timeout: /D1012|timeout|stack/i, oversize: /over the 262144-byte limit/ };
    for (const [name, reason] of Object.entries(reasons)) {
      const id = deliveryId({ org_id: 'org_templates', id: 'tpl-1' }, ids[name]);
      const delivery = await eventually(async () => {
        const found = await deliveries.findById(id);
        return found?.status === 'failed' ? found : undefined;
      });
      expect(delivery.status).toBe('failed');
      const [attempt] = await deliveries.attempts(id);
      expect(attempt.error).toMatch(reason);
      expect(attempt.statusCode).toBeNull();
    }
  }, 120_000);

  it('PagerDuty and Opsgenie: trigger then resolve share one dedup key, create then close one alias, unsigned', async () => {
    await org('org_incidents');
    admin.actAs('org_incidents');
    const target = await receiver();
    expect((await api('POST', '/webhooks', { url: `${target.url}/pd/enqueue`, format: 'pagerduty' })).body).toMatchObject({ status: 422, field: 'integration_key' });
    const pd = await api('POST', '/webhooks', { url: `${target.url}/pd/enqueue`, format: 'pagerduty', integration_key: 'R0123456789abcdef0123456789abcde', events: ['deployment.failed', 'deployment.succeeded'] });
    expect(pd.status).toBe(201);
    expect(pd.body).toMatchObject({ integration_key_set: true });
    expect(JSON.stringify(pd.body)).not.toContain('R0123456789abcdef0123456789abcde');
    const og = await api('POST', '/webhooks', { url: `${target.url}/og/v2/alerts`, format: 'opsgenie', integration_key: 'genie-0001', events: ['deployment.failed', 'deployment.succeeded'] });
    expect(og.status).toBe(201);
    const stored: { integration_key: string }[] = await dataSource.query('SELECT integration_key FROM webhooks WHERE id = $1', [og.body.id]);
    expect(stored[0].integration_key).toMatch(/^enc1:/);

    const data = { deployment: { id: 'dep_42', git_sha: 'a3f8c2d' }, environment: { name: 'production', primary_url: 'https://acme.apps.oec.sh' } };
    await send('org_incidents', { id: 'inc-1', type: 'deployment.failed', data });
    await target.waitForRequests(2, 45_000);
    await send('org_incidents', { id: 'inc-2', type: 'deployment.succeeded', data });
    const requests = await target.waitForRequests(4, 45_000);
    const pdBodies = requests.filter((r) => r.path === '/pd/enqueue').map((r) => JSON.parse(r.body));
    expect(pdBodies.map((b) => b.event_action)).toEqual(['trigger', 'resolve']);
    expect(pdBodies[0].dedup_key).toBe('deployments:dep_42');
    expect(pdBodies[1].dedup_key).toBe(pdBodies[0].dedup_key);
    expect(pdBodies[0].payload).toMatchObject({ severity: 'error', component: 'production' });
    const ogRequests = requests.filter((r) => r.path.startsWith('/og/'));
    expect(ogRequests.map((r) => r.path)).toEqual(['/og/v2/alerts', `/og/v2/alerts/${encodeURIComponent('deployments:dep_42')}/close?identifierType=alias`]);
    expect(JSON.parse(ogRequests[0].body)).toMatchObject({ alias: 'deployments:dep_42', priority: 'P2' });
    for (const request of ogRequests) expect(request.headers.authorization).toBe('GenieKey genie-0001');
    for (const request of requests) {
      expect(request.headers['webhook-signature']).toBeUndefined();
      expect(request.headers['x-herald-signature']).toBeUndefined();
    }
  }, 120_000);

  it('a webhook declared with its events omitted receives every event type, those off by default included (seed 003)', async () => {
    const target = await receiver();
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-config-'));
    suite.cleanup(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'herald.yaml');
    writeFileSync(file, `orgs:\n  - id: org_oxo_config\n    webhooks:\n      - id: wh_oxo_all\n        url: ${target.url}/all\n        signing_scheme: github\n        payload_template: preset:oxo-flow\n        secret: my-shared-secret-oxo\n`);
    execFileSync(process.execPath, ['dist/apps/ingest/src/cli.js', 'config', 'apply', file], { cwd: root, env: { ...process.env, HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true' }, encoding: 'utf8' });
    await send('org_oxo_config', { id: 'oxo-start', type: 'WorkflowStarted', data: { workflow: 'variant-calling' } });
    const [request] = await target.waitForRequests(1, 45_000);
    expect(JSON.parse(request.body)).toMatchObject({ event: 'WorkflowStarted', workflow: 'variant-calling' });
    expect(accepts('python3', 'verify_github.py', ['my-shared-secret-oxo', header(request, 'X-Hub-Signature-256')!], request.body)).toBe(true);
  }, 120_000);
});
