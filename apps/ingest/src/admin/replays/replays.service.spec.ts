import { BUILTIN_EVENT_TYPES, EventCatalog, type HeraldEvent } from '@herald/events';
import { deliveryId } from '@herald/deliveries';
import {
  ReplayInProgressError,
  type BackfillPick,
  type EmailChannelRepository,
  type NewReplay,
  type OrgRepository,
  type ReplayEntity,
  type ReplayRepository,
  type WebhookRepository,
} from '@herald/persistence';
import { ReplaysService } from './replays.service';

const NOW = new Date('2026-06-01T12:00:00Z');

const event = (over: Partial<HeraldEvent>): HeraldEvent => ({
  id: 'evt_1',
  type: 'deploy.failed',
  org_id: 'org_1',
  project_id: 'prj_1',
  occurred_at: '2026-06-01T10:00:00Z',
  created_at: '2026-06-01T10:00:00Z',
  data: {},
  ...over,
});

function setup({ inProgress = false, toggles = new Map<string, boolean>() } = {}) {
  const created: { replay: NewReplay; pick: BackfillPick }[] = [];
  const replays = {
    create: async (replay: NewReplay, pick: BackfillPick) => {
      if (inProgress) throw new ReplayInProgressError('busy');
      created.push({ replay, pick });
      return { ...replay, state: 'running', reason: null, total: 0, position: 0, sent: 0, nextSendAt: null, createdAt: NOW, updatedAt: NOW, finishedAt: null } as ReplayEntity;
    },
  };
  const webhook = { id: 'wh_1', orgId: 'org_1', eventTypes: ['deploy.failed', 'deploy.started'], projectIds: ['prj_1'], enabled: false };
  const webhooks = { findForOrg: async (orgId: string, id: string) => (orgId === 'org_1' && id === 'wh_1' ? webhook : null) };
  const channels = { findForOrg: async (_orgId: string, id: string) => (id === 'ec_1' ? { id: 'ec_1', eventTypes: [], projectIds: [], enabled: true } : null) };
  const orgs = { eventTypeToggles: async () => toggles };
  const service = new ReplaysService(
    replays as unknown as ReplayRepository,
    webhooks as unknown as WebhookRepository,
    channels as unknown as EmailChannelRepository,
    orgs as unknown as OrgRepository,
    new EventCatalog(BUILTIN_EVENT_TYPES),
  );
  return { service, created };
}

const input = { since: '2026-06-01T00:00:00Z', deliveries: 'failed' as const, rate: 20 };

describe('ReplaysService.create', () => {
  it('fixes until at now when it is left out, and answers the new replay', async () => {
    const { service, created } = setup();
    const view = await service.create('org_1', 'webhook', 'wh_1', input, NOW);
    expect(created[0].replay).toMatchObject({ orgId: 'org_1', destinationKind: 'webhook', destinationId: 'wh_1', selection: 'failed', rate: 20, since: new Date(input.since), until: NOW });
    expect(view).toMatchObject({ id: expect.stringMatching(/^rpl_/), state: 'running', until: NOW.toISOString(), sent: 0, succeeded: 0, failed: 0 });
  });

  it.each([
    ['until before since', { until: '2026-05-31T00:00:00Z' }, 'until', 'must be later than since'],
    ['until equal to since', { until: input.since }, 'until', 'must be later than since'],
    ['until in the future', { until: '2026-06-02T00:00:00Z' }, 'until', 'must not be in the future: the selection is fixed when the replay is created'],
    ['since in the future', { since: '2026-06-02T00:00:00Z' }, 'since', 'must be in the past'],
  ])('refuses %s, naming the field', async (_case, over, field, message) => {
    const { service, created } = setup();
    await expect(service.create('org_1', 'webhook', 'wh_1', { ...input, ...over }, NOW)).rejects.toMatchObject({ status: 422, extensions: { field }, message: `${field}: ${message}` });
    expect(created).toEqual([]);
  });

  it("answers 404 for a webhook that is not the org's, and 409 while another replay of it runs", async () => {
    await expect(setup().service.create('org_2', 'webhook', 'wh_1', input, NOW)).rejects.toMatchObject({ status: 404 });
    await expect(setup().service.create('org_1', 'email', 'ec_nope', input, NOW)).rejects.toMatchObject({ status: 404, message: "no email channel 'ec_nope'" });
    await expect(setup({ inProgress: true }).service.create('org_1', 'webhook', 'wh_1', input, NOW)).rejects.toMatchObject({ status: 409, extensions: { field: 'id' } });
  });

  it("backfills by the routing rules: listed types and their aliases, project scope, the org's toggles; its own delivery ids", async () => {
    const { service, created } = setup({ toggles: new Map([['deploy.started', true]]) });
    await service.create('org_1', 'webhook', 'wh_1', { ...input, deliveries: 'all' }, NOW);
    const { pick } = created[0];
    // Disabled now: the run waits for it; what it receives is still decided by its subscription.
    expect(pick(event({ id: 'a' }))).toBe(deliveryId({ org_id: 'org_1', id: 'a' }, 'wh_1'));
    expect(pick(event({ id: 'b', type: 'deploy_failed' }))).toBe(deliveryId({ org_id: 'org_1', id: 'b' }, 'wh_1'));
    expect(pick(event({ id: 'c', type: 'deploy.started' }))).not.toBeNull();
    expect(pick(event({ id: 'd', type: 'deploy.succeeded' }))).toBeNull();
    expect(pick(event({ id: 'e', project_id: 'prj_2' }))).toBeNull();
    const { service: off, created: offCreated } = setup({ toggles: new Map([['deploy.failed', false]]) });
    await off.create('org_1', 'webhook', 'wh_1', { ...input, deliveries: 'all' }, NOW);
    expect(offCreated[0].pick(event({ id: 'a' }))).toBeNull();
  });
});
