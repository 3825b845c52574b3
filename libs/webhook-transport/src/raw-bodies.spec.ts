import { formatWebhookBody } from '@herald/formatters';
import { canonicalJson } from '@herald/signing';
import { RawBodies } from './raw-bodies';

const event = (id: string, data: Record<string, unknown> = { deployment: { id: 'dep_1' } }) => ({
  id,
  type: 'deployment.completed',
  org_id: 'org_1',
  project_id: null,
  occurred_at: '2026-12-03T06:00:00.000Z',
  created_at: '2026-12-03T06:00:00.123Z',
  data,
});

describe('RawBodies', () => {
  it("gives the event's canonical raw body", () => {
    const e = event('evt_1');
    expect(new RawBodies().body(e, undefined)).toBe(canonicalJson(formatWebhookBody('raw', e, undefined)));
  });

  it('builds an event’s body once: the same event in another job gets the same string', () => {
    const bodies = new RawBodies();
    const first = bodies.body(event('evt_1'), undefined);
    // Known by org, id and acceptance time, not by content: a second object with them is taken for the same event.
    expect(bodies.body(event('evt_1', { other: 'data' }), undefined)).toBe(first);
    expect(bodies.body(event('evt_2'), undefined)).not.toBe(first);
    expect(bodies.body({ ...event('evt_1'), created_at: '2026-12-03T06:00:01.000Z' }, undefined)).toContain('"created_at":"2026-12-03T06:00:01.000Z"');
  });

  it('keeps at most its entries, the oldest leaving first', () => {
    const bodies = new RawBodies(2);
    const first = bodies.body(event('evt_1'), undefined);
    bodies.body(event('evt_2'), undefined);
    bodies.body(event('evt_3'), undefined);
    expect(bodies.body(event('evt_1', { changed: true }), undefined)).not.toBe(first);
  });

  it('does not keep bodies above its size bound', () => {
    const bodies = new RawBodies(10, 200);
    const large = event('evt_1', { text: 'x'.repeat(500) });
    expect(bodies.body(large, undefined)).toContain('x'.repeat(500));
    expect(bodies.body(event('evt_1', { text: 'small' }), undefined)).toContain('"text":"small"');
  });
});

describe('RawBodies, events of two orgs with one id', () => {
  it('keeps them apart', () => {
    const bodies = new RawBodies();
    const ours = bodies.body(event('evt_1'), undefined);
    const theirs = bodies.body({ ...event('evt_1'), org_id: 'org_2' }, undefined);
    expect(theirs).toContain('"org_id":"org_2"');
    expect(ours).toContain('"org_id":"org_1"');
  });
});
