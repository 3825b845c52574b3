import { anEvent, automationRuleFailed, definition, hugeEvent, versionerDeployment } from '../test/events';
import { DISCORD_LIMITS, discordEmbedLength, formatDiscord, type DiscordEmbed } from './discord';

const embedOf = (...args: Parameters<typeof formatDiscord>) => formatDiscord(...args).embeds[0];

function expectWithinLimits(embed: DiscordEmbed) {
  expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
  expect(embed.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
  for (const field of embed.fields) {
    expect(field.name.length).toBeGreaterThan(0);
    expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
    expect(field.value.trim().length).toBeGreaterThan(0);
    expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
  }
  expect(embed.footer.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
  const total = embed.title.length + (embed.description?.length ?? 0) + embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0) + embed.footer.text.length;
  expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.total);
  expect(discordEmbedLength(embed)).toBe(total);
}

describe('formatDiscord', () => {
  it('renders a seed 000 automation-rule failure as one red embed', () => {
    expect(formatDiscord(automationRuleFailed(), definition('failure', 'automation'))).toEqual({
      embeds: [
        {
          title: 'Automation rule failed — Deploy main to staging',
          color: 0xe74c3c,
          fields: [
            { name: 'Rule', value: 'Deploy main to staging', inline: true },
            { name: 'Environment', value: 'staging', inline: true },
            { name: 'Action', value: 'deploy_latest', inline: true },
            { name: 'Trigger', value: 'push', inline: true },
            { name: 'Branch', value: 'main', inline: true },
            { name: 'Actor', value: 'alice@example.com', inline: true },
            { name: 'Error', value: 'Build step exited with status 1', inline: true },
          ],
          timestamp: '2026-05-07T14:23:11Z',
          footer: { text: 'Herald · org org_123 · project prj_9' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('puts the summary in the description and the link on the title', () => {
    const embed = embedOf(anEvent('rule.failed', { rule: 'align_reads', message: 'exit code 1', url: 'https://ci.example/runs/7' }), definition('failure'));
    expect(embed).toMatchObject({ title: 'Rule failed — align_reads', description: 'exit code 1', url: 'https://ci.example/runs/7' });
    expect(embedOf(versionerDeployment(), definition('success')).url).toMatch(/^https:\/\/app\.versioner\.io\//);
  });

  it('has no url when the event has no link', () => {
    const embed = embedOf(automationRuleFailed(), definition('failure'));
    expect(embed).not.toHaveProperty('url');
    expect(embed).not.toHaveProperty('description');
  });

  it.each([
    ['success', 0x2ecc71],
    ['failure', 0xe74c3c],
    ['info', 0x3498db],
  ] as const)('colours %s as %i', (severity, colour) => {
    expect(embedOf(automationRuleFailed(), definition(severity)).color).toBe(colour);
  });

  it('lays long values out full width', () => {
    const embed = embedOf(anEvent('x.y', { branch: 'main', error: 'e'.repeat(41), stderr: 'a\nb' }), undefined);
    expect(embed.fields.map((f) => f.inline)).toEqual([true, false, false]);
  });

  it('leaves out a timestamp Discord would reject and the project when there is none', () => {
    const embed = embedOf(anEvent('ping', {}, { occurred_at: 'not a date', project_id: null }), undefined);
    expect(embed).not.toHaveProperty('timestamp');
    expect(embed.footer.text).toBe('Herald · org org_123');
  });
});

describe('formatDiscord limits', () => {
  it.each([25, 1000])('stays within every embed limit with 10 KB strings in 100 fields (maxFields %s)', (maxFields) => {
    const embed = embedOf(hugeEvent(), definition('failure'), { maxFields });
    expectWithinLimits(embed);
    expect(embed.fields.length).toBeGreaterThan(0);
  });

  it('cuts with the marker, drops trailing fields and says so in the footer', () => {
    const embed = embedOf(hugeEvent(), definition('failure'));
    expect(embed.title.endsWith('…')).toBe(true);
    expect(embed.description?.endsWith('…')).toBe(true);
    expect(embed.fields.every((f) => f.value.endsWith('…'))).toBe(true);
    expect(embed.fields.length).toBeLessThan(25);
    expect(embed.footer.text).toMatch(new RegExp(` · ${101 - embed.fields.length} more fields not shown$`));
  });

  it('cuts a title longer than 256 (an extension type with a long name)', () => {
    const embed = embedOf(anEvent(`custom.${'word_'.repeat(30)}failed`, { environment: 'e'.repeat(300) }), undefined);
    expect(embed.title).toHaveLength(DISCORD_LIMITS.title);
    expect(embed.title).toMatch(/^Custom word word .* — e+…$/);
  });

  it('caps a message of many short fields at 25', () => {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < 100; i += 1) data[`k${i}`] = `v${i}`;
    const embed = embedOf(anEvent('x.y', data), undefined, { maxFields: 100 });
    expectWithinLimits(embed);
    expect(embed.fields).toHaveLength(25);
    expect(embed.footer.text).toMatch(/ · 75 more fields not shown$/);
  });

  it('never splits an emoji when it cuts', () => {
    const embed = embedOf(anEvent('x.y', { environment: '🚀'.repeat(600) }), undefined);
    expect(embed.title.endsWith('🚀…')).toBe(true);
    expect(embed.fields[0].value).toBe(`${'🚀'.repeat(499)}…`);
    expectWithinLimits(embed);
  });
});
