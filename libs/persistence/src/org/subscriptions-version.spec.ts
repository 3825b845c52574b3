import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../data-source';
import { EmailChannelRepository } from '../email-channel/email-channel.repository';
import { WebhookRepository } from '../webhook/webhook.repository';
import { OrgRepository } from './org.repository';

/** Against real PostgreSQL: every change routing depends on moves the org's subscriptions version, and only those. */
describe('orgs.subscriptions_version', () => {
  let ds: DataSource;
  let orgs: OrgRepository;
  let webhooks: WebhookRepository;

  beforeAll(async () => {
    ds = await createDataSource(process.env.DATABASE_URL!, 2).initialize();
    await runMigrations(ds);
    orgs = new OrgRepository(ds);
    webhooks = new WebhookRepository(ds);
    await orgs.upsert('org_sv');
    await orgs.upsert('org_sv_other');
  });

  afterAll(() => ds.destroy());

  /** Runs `change` and says whether the org's version moved. */
  async function moves(change: () => Promise<unknown>, org = 'org_sv'): Promise<boolean> {
    const before = await orgs.subscriptionsVersion(org);
    await change();
    return (await orgs.subscriptionsVersion(org)) !== before;
  }

  it('moves with every webhook, email channel and toggle change that routing reads', async () => {
    expect(await moves(() => webhooks.create({ id: 'wh_sv', orgId: 'org_sv', url: 'https://example.com' }, 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA=='))).toBe(true);
    expect(await moves(() => webhooks.update('wh_sv', { eventTypes: ['deploy.failed'] }))).toBe(true);
    expect(await moves(() => webhooks.update('wh_sv', { enabled: false }))).toBe(true);
    expect(await moves(() => webhooks.update('wh_sv', { filter: { data: { environment: 'production' } } }))).toBe(true);
    expect(await moves(() => webhooks.update('wh_sv', { filter: null }))).toBe(true);
    expect(await moves(() => webhooks.softDelete('org_sv', 'wh_sv'))).toBe(true);
    expect(await moves(() => new EmailChannelRepository(ds).create({ id: 'ec_sv', orgId: 'org_sv', recipients: ['ops@example.com'] }))).toBe(true);
    expect(await moves(() => new EmailChannelRepository(ds).update('ec_sv', { filter: { type: 'deploy.failed' } }))).toBe(true);
    expect(await moves(() => orgs.setEventType('org_sv', 'deploy.started', true))).toBe(true);
    expect(await moves(() => orgs.setEventType('org_sv', 'deploy.started', false))).toBe(true);
  });

  it('stands still for what routing does not read, and for other orgs', async () => {
    await webhooks.create({ id: 'wh_sv2', orgId: 'org_sv', url: 'https://example.com' }, 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdA==');
    expect(await moves(() => webhooks.recordFailure('wh_sv2'))).toBe(false);
    expect(await moves(() => webhooks.resetFailures('wh_sv2'))).toBe(false);
    expect(await moves(() => webhooks.update('wh_sv2', { description: 'renamed' }))).toBe(false);
    expect(await moves(() => webhooks.update('wh_sv2', { eventTypes: ['build.failed'] }), 'org_sv_other')).toBe(false);
  });

  it('is null for an org that does not exist', async () => {
    expect(await orgs.subscriptionsVersion('org_nowhere')).toBeNull();
  });
});
