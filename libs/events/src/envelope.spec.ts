import { BUILTIN_EVENT_TYPES, EventCatalog } from './catalog';
import { acceptEvent, parseAcceptedEvent, parseEventJson, webhookPayload } from './envelope';
import { InvalidEventError } from './invalid-event';

const catalog = new EventCatalog(BUILTIN_EVENT_TYPES);
const now = new Date('2026-05-07T14:23:15.000Z');

const reasonOf = (input: unknown): string => {
  try {
    acceptEvent(input, catalog, now);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.message;
    throw error;
  }
  throw new Error('accepted');
};

describe('acceptEvent', () => {
  it('assigns an evt_ ULID id and stamps created_at when the producer gave none', () => {
    const event = acceptEvent({ type: 'deploy.failed', org_id: 'org_1', data: { environment: 'production' } }, catalog, now);
    expect(event.id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(event).toMatchObject({ type: 'deploy.failed', org_id: 'org_1', project_id: null, created_at: '2026-05-07T14:23:15.000Z', occurred_at: '2026-05-07T14:23:15.000Z' });
  });

  it('keeps the producer id and occurred_at', () => {
    const event = acceptEvent({ id: 'deploy-42', type: 'deploy.failed', org_id: 'org_1', project_id: 'prj_9', occurred_at: '2026-05-07T14:23:11Z' }, catalog, now);
    expect(event).toMatchObject({ id: 'deploy-42', project_id: 'prj_9', occurred_at: '2026-05-07T14:23:11Z', data: {} });
  });

  it('keeps the producer ordering_key, else takes the type default from data, else none', () => {
    const base = { type: 'deployment.started', org_id: 'org_1', data: { deployment_id: 'dep_1' } };
    expect(acceptEvent({ ...base, ordering_key: 'mine' }, catalog, now).ordering_key).toBe('mine');
    expect(acceptEvent(base, catalog, now).ordering_key).toBe('dep_1');
    expect(acceptEvent({ type: 'server.degraded', org_id: 'org_1' }, catalog, now)).not.toHaveProperty('ordering_key');
  });

  it('bounds ordering_key: a non-empty string of at most 256 characters', () => {
    const base = { type: 'deploy.failed', org_id: 'org_1' };
    expect(reasonOf({ ...base, ordering_key: '' })).toMatch(/^ordering_key: /);
    expect(reasonOf({ ...base, ordering_key: 'k'.repeat(257) })).toMatch(/^ordering_key: /);
    expect(reasonOf({ ...base, ordering_key: 42 })).toMatch(/^ordering_key: /);
    expect(acceptEvent({ ...base, ordering_key: 'k'.repeat(256) }, catalog, now).ordering_key).toHaveLength(256);
  });

  it('names the field at fault', () => {
    expect(reasonOf({ org_id: 'org_1' })).toMatch(/^type: /);
    expect(reasonOf({ type: 'deploy.failed' })).toMatch(/^org_id: /);
    expect(reasonOf({ type: 'deploy.failed', org_id: 'org_1', occurred_at: 'yesterday' })).toMatch(/^occurred_at: /);
    expect(reasonOf({ type: 'deploy.failed', org_id: 'org_1', data: [1, 2] })).toMatch(/^data: /);
    expect(reasonOf({ id: 'has space', type: 'deploy.failed', org_id: 'org_1' })).toMatch(/^id: /);
    expect(reasonOf({ type: 'nope.nothing', org_id: 'org_1' })).toBe("type: unknown event type 'nope.nothing'");
    expect(reasonOf('a string')).toMatch(/expected object/);
  });

  it('sorts every rejection into a bounded category for metrics', () => {
    const categoryOf = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        if (error instanceof InvalidEventError) return error.category;
        throw error;
      }
      throw new Error('accepted');
    };
    expect(categoryOf(() => parseEventJson(Buffer.from('{nope')))).toBe('malformed');
    expect(categoryOf(() => acceptEvent({ org_id: 'org_1' }, catalog))).toBe('invalid_type');
    expect(categoryOf(() => acceptEvent({ type: 'deploy.failed', org_id: 'org_1', data: [1] }, catalog))).toBe('invalid_data');
    expect(categoryOf(() => acceptEvent({ type: 'nope.nothing', org_id: 'org_1' }, catalog))).toBe('unknown_type');
    expect(categoryOf(() => acceptEvent('a string', catalog))).toBe('malformed');
    expect(new InvalidEventError('org_id', 'unknown org', 'unknown_org').category).toBe('unknown_org');
    // A producer-chosen key never becomes a label value.
    expect(new InvalidEventError('data.anything.at.all', 'bad').category).toBe('invalid_data');
    expect(new InvalidEventError('whatever_key', 'bad').category).toBe('invalid');
  });
});

describe('parsing Kafka bytes', () => {
  it('rejects empty and non-JSON values', () => {
    expect(() => parseEventJson(null)).toThrow('empty message');
    expect(() => parseEventJson(Buffer.from('{oops'))).toThrow('not valid JSON');
  });

  it('checks the shape of accepted events', () => {
    const event = acceptEvent({ type: 'deploy.failed', org_id: 'org_1' }, catalog, now);
    expect(parseAcceptedEvent(Buffer.from(JSON.stringify(event)))).toEqual(event);
    expect(() => parseAcceptedEvent(Buffer.from(JSON.stringify({ ...event, org_id: 5 })))).toThrow(/^org_id: /);
  });
});

describe('webhookPayload', () => {
  it('is exactly the envelope of the wire contract', () => {
    const event = acceptEvent({ type: 'deploy.failed', org_id: 'org_1', project_id: 'prj_9', data: { a: 1 } }, catalog, now);
    expect(Object.keys(webhookPayload(event)).sort()).toEqual(['created_at', 'data', 'id', 'org_id', 'project_id', 'type']);
  });
});
