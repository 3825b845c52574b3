import { deeplyNested, anEvent, definition, prototypeKeysEvent } from '../test/events';
import { extractKeyDetails } from './details';
import { formatWebhookBody, WEBHOOK_FORMATS } from './format';
import { humanizeKey, MAX_PREVIEW_DEPTH, previewJson } from './text';
import { eventTitle, humanizeEventType } from './view';

const INCIDENT_FORMATS: readonly string[] = ['pagerduty', 'opsgenie'];
/** The incident formats need their key and dedup key; the chat formats ignore them. */
const options = { incident: { integrationKey: 'R0123456789abcdef0123456789abcde', dedupKey: 'deployment:dep_1' } };

describe.each(WEBHOOK_FORMATS.filter((format) => format !== 'raw'))('the %s format treats event keys as data', (format) => {
  it('renders keys named like Object.prototype members as ordinary fields', () => {
    const body = JSON.stringify(formatWebhookBody(format, prototypeKeysEvent(), definition('failure'), options));
    for (const value of ['ctor value', 'to string value', 'own value', 'proto name', 'inner ctor', 'inner proto']) expect(body).toContain(value);
    // Chat formats label fields for people; the incident formats keep the keys as they are, for machines.
    const labels = INCIDENT_FORMATS.includes(format) ? ['"constructor"', '"hasOwnProperty"'] : ['Constructor', 'Has own property'];
    for (const label of labels) expect(body).toContain(label);
  });

  it('takes a subject only from the data, never from the prototype', () => {
    const body = JSON.stringify(formatWebhookBody(format, anEvent('constructor.failed', {}), definition('failure'), options));
    expect(body).toContain('Constructor failed');
    expect(body).not.toContain('function');
  });

  it.each([3_000, 100_000])('renders data nested %i levels deep, eliding what is past the preview depth', (depth) => {
    const body = JSON.stringify(formatWebhookBody(format, anEvent('deploy.failed', { deep: deeplyNested(depth) }), definition('failure'), options));
    expect(body).toContain('{…}');
    expect(body).not.toContain('bottom');
  });
});

describe('the raw format keeps every key', () => {
  it('passes `__proto__` and `constructor` through as own members of data', () => {
    const { data } = formatWebhookBody('raw', prototypeKeysEvent(), undefined) as { data: Record<string, unknown> };
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(data.constructor).toBe('ctor value');
  });
});

describe('shared text helpers with prototype-named keys', () => {
  it('humanises `constructor`, `__proto__` and `toString` as words', () => {
    expect(['constructor', '__proto__', 'toString', 'hasOwnProperty'].map(humanizeKey)).toEqual(['Constructor', 'Proto', 'To string', 'Has own property']);
    expect(humanizeEventType('constructor.to_string')).toBe('Constructor to string');
    expect(eventTitle(anEvent('value_of', { constructor: { name: 'x' } }))).toBe('Value of');
  });

  it('lists prototype-named keys as details with their own values', () => {
    const details = extractKeyDetails(prototypeKeysEvent());
    expect(details.find((d) => d.key === 'constructor')).toEqual({ key: 'constructor', label: 'Constructor', value: 'ctor value' });
    expect(details.find((d) => d.key === '__proto__.name')?.value).toBe('proto name');
  });

  it('previews JSON like JSON.stringify while shallow, and bounded when deep or long', () => {
    const shallow = { a: [1, 'two', null, { b: true }], 'c"d': {} };
    expect(previewJson(shallow, 1000)).toBe(JSON.stringify(shallow));
    expect(previewJson(deeplyNested(50), 10_000)).toBe(`${'{"a":'.repeat(MAX_PREVIEW_DEPTH)}{…}${'}'.repeat(MAX_PREVIEW_DEPTH)}`);
    const long = previewJson(Array.from({ length: 1_000_000 }, (_, i) => i), 100);
    expect(long.length).toBeGreaterThan(100);
    expect(long.length).toBeLessThan(120);
  });
});
