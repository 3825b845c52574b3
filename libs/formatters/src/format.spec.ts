import { BUILTIN_EVENT_TYPES, webhookPayload } from '@herald/events';
import { anEvent, automationRuleFailed, definition, hugeEvent } from '../test/events';
import { DISCORD_LIMITS, discordEmbedLength, formatDiscord, type DiscordMessage } from './discord';
import { formatWebhookBody, isWebhookFormat, WEBHOOK_FORMATS, type WebhookFormat } from './format';
import { formatSlack, SLACK_LIMITS, type SlackMessage } from './slack';
import { formatTeams, TEAMS_MAX_BYTES } from './teams';
import { jsonBytes } from './text';

describe('formatWebhookBody', () => {
  const event = automationRuleFailed();
  const failure = definition('failure', 'automation');

  it('sends the wire-contract envelope as the raw body', () => {
    const body = formatWebhookBody('raw', event, failure);
    expect(body).toEqual(webhookPayload(event));
    expect(Object.keys(body).sort()).toEqual(['created_at', 'data', 'id', 'org_id', 'project_id', 'type']);
  });

  it('hands the chat formats to their formatter with the options', () => {
    const options = { brand: 'OEC.sh', maxFields: 3 };
    expect(formatWebhookBody('slack', event, failure, options)).toEqual(formatSlack(event, failure, options));
    expect(formatWebhookBody('teams', event, failure, options)).toEqual(formatTeams(event, failure, options));
    expect(formatWebhookBody('discord', event, failure, options)).toEqual(formatDiscord(event, failure, options));
    expect((formatWebhookBody('discord', event, failure, options) as DiscordMessage).embeds[0].fields).toHaveLength(3);
    expect((formatWebhookBody('discord', event, failure, options) as DiscordMessage).embeds[0].footer.text).toBe('OEC.sh · org org_123 · project prj_9 · 4 more fields not shown');
  });

  it('refuses a format it does not know', () => {
    expect(() => formatWebhookBody('generic' as WebhookFormat, event, failure)).toThrow("unknown webhook format 'generic'");
  });

  it('knows the four formats of the wire contract', () => {
    expect(WEBHOOK_FORMATS).toEqual(['raw', 'slack', 'teams', 'discord', 'pagerduty', 'opsgenie']);
    expect(WEBHOOK_FORMATS.every(isWebhookFormat)).toBe(true);
    expect([undefined, 'json', 'Slack', 1].some(isWebhookFormat)).toBe(false);
  });
});

describe('every built-in event type in every chat format', () => {
  const huge = hugeEvent();
  it.each(BUILTIN_EVENT_TYPES.map((d) => [d.type, d] as const))('%s fits each platform, small or huge', (type, def) => {
    for (const event of [anEvent(type, { environment: 'production', status: 'failed' }), { ...huge, type }]) {
      const slack = formatWebhookBody('slack', event, def) as SlackMessage;
      expect(slack.blocks.length + slack.attachments[0].blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(slack.attachments[0].color).toBe({ success: '#2ECC71', failure: '#E74C3C', info: '#3498DB' }[def.severity]);
      expect(jsonBytes(formatWebhookBody('teams', event, def))).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
      const [embed] = (formatWebhookBody('discord', event, def) as DiscordMessage).embeds;
      expect(discordEmbedLength(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
      expect(embed.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
      expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    }
  });
});
