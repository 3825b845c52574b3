import type { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../data-source';
import { OrgRepository } from '../org/org.repository';
import { WebhookRepository } from './webhook.repository';

/** Against real PostgreSQL: what a sender reads to deliver by. */
describe('WebhookRepository.findForDelivery', () => {
  let ds: DataSource;
  let webhooks: WebhookRepository;

  beforeAll(async () => {
    ds = await createDataSource(process.env.DATABASE_URL!, 4).initialize();
    await runMigrations(ds);
    await new OrgRepository(ds).upsert('org_fd');
    webhooks = new WebhookRepository(ds);
    for (const id of ['wh_fd_1', 'wh_fd_2', 'wh_fd_3']) await webhooks.create({ id, orgId: 'org_fd', url: `https://example.com/${id}` }, `whsec_${id}_first`);
    await webhooks.rotateSecret('wh_fd_2', 'whsec_wh_fd_2_second', new Date(Date.now() + 60_000));
    await webhooks.rotateSecret('wh_fd_3', 'whsec_wh_fd_3_second', new Date(Date.now() - 1_000));
    await webhooks.softDelete('org_fd', 'wh_fd_1');
  });

  afterAll(() => ds.destroy());

  it('answers concurrent reads together: each its live webhook and the secrets it signs with, newest first', async () => {
    const statements = jest.spyOn(ds, 'createQueryRunner');
    try {
      const found = await Promise.all(['wh_fd_1', 'wh_fd_2', 'wh_fd_3', 'wh_fd_2', 'wh_fd_missing'].map((id) => webhooks.findForDelivery(id)));
      expect(found.map((f) => f && [f.webhook.id, f.webhook.url, f.signingSecrets])).toEqual([
        null, // deleted
        ['wh_fd_2', 'https://example.com/wh_fd_2', ['whsec_wh_fd_2_second', 'whsec_wh_fd_2_first']], // the old one still in its grace
        ['wh_fd_3', 'https://example.com/wh_fd_3', ['whsec_wh_fd_3_second']], // the old one expired
        ['wh_fd_2', 'https://example.com/wh_fd_2', ['whsec_wh_fd_2_second', 'whsec_wh_fd_2_first']],
        null,
      ]);
      expect(statements).toHaveBeenCalledTimes(2);
    } finally {
      statements.mockRestore();
    }
  });
});
