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
});
