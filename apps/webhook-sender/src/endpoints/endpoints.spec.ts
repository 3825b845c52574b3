import { loadConfig } from '@herald/config';
import type { WebhookRepository } from '@herald/persistence';
import { FakeWebhooks } from '../../test/fakes';
import { Endpoints } from './endpoints';

describe('Endpoints', () => {
  const job = { destination: { kind: 'webhook' as const, id: 'wh_1' } };

  it('reads an endpoint’s settings once for all the deliveries that need them at the same time', async () => {
    const webhooks = new FakeWebhooks();
    const endpoints = new Endpoints(webhooks as unknown as WebhookRepository, loadConfig({}));
    const first = await Promise.all(Array.from({ length: 16 }, () => endpoints.get(job, 0)));
    expect(new Set(first).size).toBe(1);
    expect(webhooks.reads).toBe(1);

    // A second later the settings are read again: once, by the deliveries running and those being placed alike.
    webhooks.rows.get('wh_1')!.pausedAt = new Date(1_000);
    const placing = endpoints.settingsNow('wh_1', 1_000);
    const running = await Promise.all(Array.from({ length: 16 }, () => endpoints.get(job, 1_000)));
    expect(placing).toMatchObject({ paused: false }); // placed with what it held, not waiting
    expect(running.every((endpoint) => endpoint === first[0] && endpoint?.settings.paused)).toBe(true);
    expect(webhooks.reads).toBe(2);
  });

  it('reads the settings of every busy endpoint together, so they go stale together', async () => {
    const webhooks = new FakeWebhooks();
    for (const id of ['wh_2', 'wh_idle']) webhooks.rows.set(id, { ...webhooks.rows.get('wh_1')!, id });
    const read: string[] = [];
    const findForDelivery = webhooks.findForDelivery.bind(webhooks);
    webhooks.findForDelivery = (id: string) => (read.push(id), findForDelivery(id));
    const endpoints = new Endpoints(webhooks as unknown as WebhookRepository, loadConfig({}));
    await endpoints.get(job, 0);
    await endpoints.get({ destination: { kind: 'webhook', id: 'wh_idle' } }, 100);
    await endpoints.get({ destination: { kind: 'webhook', id: 'wh_2' } }, 400);
    await endpoints.get({ destination: { kind: 'webhook', id: 'wh_2' } }, 900); // in use; wh_idle is not
    expect(read).toEqual(['wh_1', 'wh_idle', 'wh_2']); // none half a second old yet when another was read

    read.length = 0;
    webhooks.rows.get('wh_2')!.pausedAt = new Date(1_000);
    await endpoints.get(job, 1_150);
    // wh_1 is due; wh_2, read 750 ms ago and in use, goes with it; wh_idle, unused for over a second, waits for a delivery.
    expect(read).toEqual(['wh_1', 'wh_2']);
    await new Promise(setImmediate);
    expect(endpoints.settingsNow('wh_2', 1_200)).toMatchObject({ paused: true });
    expect(read).toEqual(['wh_1', 'wh_2']); // fresh until 2,150, with wh_1
  });
});
