import { anEvent, automationRuleFailed, definition, hugeEvent, versionerDeployment } from '../test/events';
import { formatTeams, TEAMS_MAX_BYTES, type TeamsElement, type TeamsMessage, type TeamsTextBlock } from './teams';
import { jsonBytes } from './text';

const card = (message: TeamsMessage) => message.attachments[0].content;
const factSet = (message: TeamsMessage) => card(message).body.find((e): e is Extract<TeamsElement, { type: 'FactSet' }> => e.type === 'FactSet');
const titleBlock = (message: TeamsMessage) => (card(message).body[0] as Extract<TeamsElement, { type: 'Container' }>).items[0];
const textBlocks = (message: TeamsMessage) => card(message).body.filter((e): e is TeamsTextBlock => e.type === 'TextBlock');

describe('formatTeams', () => {
  it('renders a seed 000 automation-rule failure as an Adaptive Card with a coloured title and a FactSet', () => {
    expect(formatTeams(automationRuleFailed(), definition('failure', 'automation'))).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'Full' },
            body: [
              {
                type: 'Container',
                style: 'attention',
                bleed: true,
                items: [{ type: 'TextBlock', text: 'Automation rule failed — Deploy main to staging', size: 'Large', weight: 'Bolder', color: 'Attention', wrap: true }],
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Rule', value: 'Deploy main to staging' },
                  { title: 'Environment', value: 'staging' },
                  { title: 'Action', value: 'deploy_latest' },
                  { title: 'Trigger', value: 'push' },
                  { title: 'Branch', value: 'main' },
                  { title: 'Actor', value: 'alice@example.com' },
                  { title: 'Error', value: 'Build step exited with status 1' },
                ],
              },
              {
                type: 'TextBlock',
                text: '{{DATE(2026-05-07T14:23:11Z, SHORT)}} {{TIME(2026-05-07T14:23:11Z)}} · org org_123 · project prj_9 · Herald',
                wrap: true,
                size: 'Small',
                isSubtle: true,
                spacing: 'Medium',
              },
            ],
          },
        },
      ],
    });
  });

  it('adds the summary under the title and an Action.OpenUrl for the link', () => {
    const message = formatTeams(anEvent('rule.failed', { rule: 'align_reads', message: 'exit code 1', url: 'https://ci.example/runs/7' }), definition('failure'));
    expect(card(message).body[1]).toEqual({ type: 'TextBlock', text: 'exit code 1', wrap: true });
    expect(card(message).actions).toEqual([{ type: 'Action.OpenUrl', title: 'View rule', url: 'https://ci.example/runs/7' }]);
    expect(card(formatTeams(versionerDeployment(), definition('success'))).actions?.[0].url).toMatch(/^https:\/\/app\.versioner\.io\//);
  });

  it('has no actions when the event has no link', () => {
    expect(card(formatTeams(automationRuleFailed(), definition('failure')))).not.toHaveProperty('actions');
  });

  it.each([
    ['success', 'Good', 'good'],
    ['failure', 'Attention', 'attention'],
    ['info', 'Accent', 'accent'],
  ] as const)('colours %s as %s', (severity, color, style) => {
    const message = formatTeams(automationRuleFailed(), definition(severity));
    expect(titleBlock(message).color).toBe(color);
    expect(card(message).body[0]).toMatchObject({ type: 'Container', style });
  });
});

describe('formatTeams limits', () => {
  it.each([20, 100])('stays under %s fields and the ~28 KB message limit with 10 KB strings in 100 fields', (maxFields) => {
    const message = formatTeams(hugeEvent(), definition('failure'), { maxFields });
    expect(jsonBytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    const facts = factSet(message)?.facts ?? [];
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.length).toBeLessThanOrEqual(maxFields);
    expect(facts.every((fact) => fact.value.length <= 1000 && fact.title.length <= 100)).toBe(true);
    expect(facts[facts.length - 1].value.endsWith('…')).toBe(true);
    const note = textBlocks(message).find((block) => block.text.endsWith('not shown'));
    expect(note?.text).toBe(`${101 - facts.length} more fields not shown`);
  });

  it('drops facts, not the card, when multi-byte text would overflow', () => {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < 100; i += 1) data[`k${i}`] = '界'.repeat(2000);
    const message = formatTeams(anEvent('x.y', data), undefined, { maxFields: 100 });
    expect(jsonBytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(factSet(message)?.facts.length).toBeLessThan(100);
  });

  it('shortens a summary a caller allowed to grow past the budget', () => {
    const message = formatTeams(anEvent('x.y', { message: 'm'.repeat(100_000) }), undefined, { maxSummaryLength: 1_000_000 });
    expect(jsonBytes(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    expect(card(message).body[1]).toMatchObject({ type: 'TextBlock', text: expect.stringMatching(/^m+…$/) });
  });

  it('bounds the title', () => {
    const title = titleBlock(formatTeams(hugeEvent(), undefined)).text;
    expect(title.length).toBeLessThanOrEqual(300);
    expect(title.endsWith('…')).toBe(true);
  });
});
