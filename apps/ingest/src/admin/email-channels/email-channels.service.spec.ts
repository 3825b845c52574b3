import type { HeraldConfig } from '@herald/config';
import type { Mailer } from '@herald/email';
import { BUILTIN_EVENT_TYPES, EventCatalog } from '@herald/events';
import type { EmailChannelRepository, NewEmailChannel } from '@herald/persistence';
import { EmailChannelsService } from './email-channels.service';

function service(allowLoopback: boolean) {
  const created: NewEmailChannel[] = [];
  const channels = { create: async (channel: NewEmailChannel) => (created.push(channel), channel) };
  const config = { HERALD_ALLOW_LOOPBACK_DESTINATIONS: allowLoopback, HERALD_MAX_RECIPIENTS_PER_CHANNEL: 10, HERALD_MAX_EVENTS_PER_CHANNEL: 10, HERALD_MAX_EMAIL_CHANNELS_PER_ORG: 10 };
  const channelsService = new EmailChannelsService(channels as unknown as EmailChannelRepository, new EventCatalog(BUILTIN_EVENT_TYPES), {} as Mailer, config as unknown as HeraldConfig);
  return { channelsService, created };
}

const withHost = (host: string) => ({ name: 'ops', recipients: ['ops@example.com'], events: [], project_ids: [], filter: null, enabled: true, smtp: { host, security: 'starttls' as const, from: 'a@example.com' } });

describe('EmailChannelsService: the SMTP host is checked when saved, as webhook URLs are', () => {
  it.each(['localhost', '127.0.0.1', '[::1]', '10.1.2.3', '::ffff:169.254.169.254', '::a9fe:a9fe'])('refuses %s, naming smtp.host', async (host) => {
    const { channelsService, created } = service(false);
    await expect(channelsService.create('org_1', withHost(host))).rejects.toMatchObject({ status: 422, extensions: { field: 'smtp.host' }, message: expect.stringMatching(/not publicly routable/) });
    expect(created).toEqual([]);
  });

  it('refuses a name that does not resolve', async () => {
    const { channelsService } = service(false);
    await expect(channelsService.create('org_1', withHost('no-such-host.invalid'))).rejects.toMatchObject({ status: 422, message: 'smtp.host: no-such-host.invalid does not resolve' });
  });

  it('takes a public address, and loopback names only under the loopback allowance', async () => {
    expect((await service(false).channelsService.create('org_1', withHost('93.184.215.16'))).smtpHost).toBe('93.184.215.16');
    expect((await service(true).channelsService.create('org_1', withHost('localhost'))).smtpHost).toBe('localhost');
  });
});
