import { anEvent, automationRuleFailed, definition, hugeEvent, versionerDeployment } from '../test/events';
import { formatSlack, SLACK_LIMITS, type SlackBlock, type SlackMessage } from './slack';

const allBlocks = (message: SlackMessage) => [...message.blocks, ...message.attachments[0].blocks];
const ofType = <T extends SlackBlock['type']>(message: SlackMessage, type: T) => allBlocks(message).filter((b): b is Extract<SlackBlock, { type: T }> => b.type === type);
const fieldTexts = (message: SlackMessage) => ofType(message, 'section').flatMap((s) => s.fields ?? []).map((f) => f.text);

describe('formatSlack', () => {
  it('renders a seed 000 automation-rule failure as a header, fields and context in a red attachment', () => {
    expect(formatSlack(automationRuleFailed(), definition('failure', 'automation'))).toEqual({
      text: 'Automation rule failed — Deploy main to staging',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Automation rule failed — Deploy main to staging', emoji: true } }],
      attachments: [
        {
          color: '#E74C3C',
          fallback: 'Automation rule failed — Deploy main to staging',
          blocks: [
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*Rule*\nDeploy main to staging' },
                { type: 'mrkdwn', text: '*Environment*\nstaging' },
                { type: 'mrkdwn', text: '*Action*\ndeploy_latest' },
                { type: 'mrkdwn', text: '*Trigger*\npush' },
                { type: 'mrkdwn', text: '*Branch*\nmain' },
                { type: 'mrkdwn', text: '*Actor*\nalice@example.com' },
                { type: 'mrkdwn', text: '*Error*\nBuild step exited with status 1' },
              ],
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: '<!date^1778163791^{date_short_pretty} at {time_secs}|2026-05-07 14:23:11 UTC> · org org_123 · project prj_9 · Herald' }] },
          ],
        },
      ],
    });
  });

  it('adds the summary as a section and the link as a button', () => {
    const message = formatSlack(anEvent('rule.failed', { rule: 'align_reads', message: 'exit code 1', url: 'https://ci.example/runs/7' }), definition('failure'));
    expect(message.attachments[0].blocks.slice(0, 1)).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'exit code 1' } }]);
    expect(ofType(message, 'actions')).toEqual([
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'View rule', emoji: true }, url: 'https://ci.example/runs/7', action_id: 'herald_open_link' }] },
    ]);
    expect(formatSlack(versionerDeployment(), definition('success')).attachments[0].blocks.some((b) => b.type === 'actions')).toBe(true);
  });

  it('has no button when the event has no link', () => {
    const message = formatSlack(automationRuleFailed(), definition('failure'));
    expect(ofType(message, 'actions')).toEqual([]);
    expect(JSON.stringify(message)).not.toContain('"url"');
  });

  it.each([
    ['success', '#2ECC71'],
    ['failure', '#E74C3C'],
    ['info', '#3498DB'],
  ] as const)('colours %s %s', (severity, colour) => {
    expect(formatSlack(automationRuleFailed(), definition(severity)).attachments[0].color).toBe(colour);
  });

  it('escapes &, < and > so data cannot inject links or mentions', () => {
    const texts = fieldTexts(formatSlack(anEvent('x.y', { actor: '<!channel> & <https://evil.example|click>' }), undefined));
    expect(texts).toEqual(['*Actor*\n&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;']);
    const message = formatSlack(anEvent('deploy.failed', { environment: '<!channel>' }), undefined);
    expect(message.text).toBe('Deployment failed — &lt;!channel&gt;');
    expect(message.blocks[0]).toMatchObject({ text: { type: 'plain_text', text: 'Deployment failed — <!channel>' } });
  });

  it('leaves the project out of the context when the event has none', () => {
    const [context] = ofType(formatSlack(anEvent('ping', {}, { project_id: null }), undefined), 'context');
    expect(context.elements[0].text).toMatch(/\|2026-05-07 14:23:11 UTC> · org org_123 · Herald$/);
  });
});

describe('formatSlack limits', () => {
  const huge = hugeEvent();

  it.each([20, 1000])('stays within every Block Kit limit with 10 KB strings in 100 fields (maxFields %s)', (maxFields) => {
    const message = formatSlack(huge, definition('failure'), { maxFields });
    const blocks = allBlocks(message);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const [header] = ofType(message, 'header');
    expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    for (const section of ofType(message, 'section')) {
      expect(section.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(section.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
      for (const field of section.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    for (const context of ofType(message, 'context')) {
      expect(context.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const element of context.elements) expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
    }
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
  });

  it('cuts with the marker and says how many fields it left out', () => {
    const message = formatSlack(huge, definition('failure'));
    const [header] = ofType(message, 'header');
    expect(header.text.text).toHaveLength(SLACK_LIMITS.headerText);
    expect(header.text.text.endsWith('…')).toBe(true);
    const summary = ofType(message, 'section').find((s) => s.text);
    expect(summary?.text?.text.endsWith('…')).toBe(true);
    const fields = fieldTexts(message);
    expect(fields).toHaveLength(20);
    expect(fields.every((text) => text.endsWith('…'))).toBe(true);
    const [context] = ofType(message, 'context');
    expect(context.elements[1].text).toBe('_81 more fields not shown_');
  });

  it('fills the 50 blocks with field sections when asked for everything', () => {
    const data: Record<string, unknown> = { message: 'm', url: 'https://x.example/' };
    for (let i = 0; i < 600; i += 1) data[`k${i}`] = `v${i}`;
    const message = formatSlack(anEvent('x.y', data), undefined, { maxFields: 10_000 });
    expect(allBlocks(message)).toHaveLength(SLACK_LIMITS.blocks);
    expect(fieldTexts(message)).toHaveLength((SLACK_LIMITS.blocks - 4) * SLACK_LIMITS.fieldsPerSection);
  });

  it('counts escaped characters and never cuts an entity in half', () => {
    const [field] = fieldTexts(formatSlack(anEvent('x.y', { actor: '&'.repeat(3000) }), undefined));
    expect(field.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    expect(field).toMatch(/^\*Actor\*\n(&amp;)+…$/);
  });
});
