import { EventCatalog, type HeraldEvent } from '@herald/events';
import { matchSubscriptions, receives, subscriptionOf, type Subscription } from './match';

const catalog = new EventCatalog([
  { type: 'deploy.failed', category: 'deployments', severity: 'failure', description: '', enabledByDefault: true, aliases: ['deploy_failed'] },
  { type: 'deploy.started', category: 'deployments', severity: 'info', description: '', enabledByDefault: false },
]);

const event = (over: Partial<HeraldEvent> = {}): HeraldEvent => ({
  id: 'evt_1',
  type: 'deploy.failed',
  org_id: 'org_1',
  project_id: 'prj_1',
  occurred_at: '2026-01-01T00:00:00Z',
  created_at: '2026-01-01T00:00:00Z',
  data: {},
  ...over,
});

const sub = (id: string, over: Partial<Subscription> = {}): Subscription => ({ kind: 'webhook', id, eventTypes: [], projectIds: [], enabled: true, filter: null, ...over });
const ids = (subs: Subscription[]) => subs.map((s) => s.id);

describe('matchSubscriptions', () => {
  const none = new Map<string, boolean>();

  it('an empty filter takes every enabled type; a filter takes only its types', () => {
    const subs = [sub('all'), sub('failed', { eventTypes: ['deploy.failed'] }), sub('other', { eventTypes: ['build.failed'] })];
    expect(ids(matchSubscriptions(event(), subs, catalog, none))).toEqual(['all', 'failed']);
  });

  it('scopes by project; unscoped subscriptions take every project', () => {
    const subs = [sub('any'), sub('p1', { projectIds: ['prj_1'] }), sub('p2', { projectIds: ['prj_2'] })];
    expect(ids(matchSubscriptions(event(), subs, catalog, none))).toEqual(['any', 'p1']);
    expect(ids(matchSubscriptions(event({ project_id: null }), subs, catalog, none))).toEqual(['any']);
  });

  it('skips disabled subscriptions', () => {
    expect(matchSubscriptions(event(), [sub('off', { enabled: false })], catalog, none)).toEqual([]);
  });

  it('follows the catalog default unless the org toggled the type', () => {
    const subs = [sub('all'), sub('started', { eventTypes: ['deploy.started'] })];
    expect(matchSubscriptions(event({ type: 'deploy.started' }), subs, catalog, none)).toEqual([]);
    expect(ids(matchSubscriptions(event({ type: 'deploy.started' }), subs, catalog, new Map([['deploy.started', true]])))).toEqual(['all', 'started']);
    expect(matchSubscriptions(event(), subs, catalog, new Map([['deploy.failed', false]]))).toEqual([]);
  });

  it('treats an alias as its type: in filters both ways, and under a toggle set on the type', () => {
    const subs = [sub('dotted', { eventTypes: ['deploy.failed'] }), sub('underscored', { eventTypes: ['deploy_failed'] }), sub('other', { eventTypes: ['deploy.started'] })];
    expect(ids(matchSubscriptions(event({ type: 'deploy_failed' }), subs, catalog, none))).toEqual(['dotted', 'underscored']);
    expect(ids(matchSubscriptions(event({ type: 'deploy.failed' }), subs, catalog, none))).toEqual(['dotted', 'underscored']);
    const off = new Map([['deploy.failed', false]]);
    expect(matchSubscriptions(event({ type: 'deploy_failed' }), subs, catalog, off)).toEqual([]);
    expect(matchSubscriptions(event({ type: 'deploy.failed' }), subs, catalog, off)).toEqual([]);
  });

  it('gives `*` subscriptions the types off by default too, unless the org turned the type off', () => {
    const subs = [sub('empty'), sub('star', { eventTypes: ['*'] })];
    expect(ids(matchSubscriptions(event({ type: 'deploy.started' }), subs, catalog, none))).toEqual(['star']);
    expect(ids(matchSubscriptions(event(), subs, catalog, none))).toEqual(['empty', 'star']);
    expect(matchSubscriptions(event({ type: 'deploy.started' }), subs, catalog, new Map([['deploy.started', false]]))).toEqual([]);
    expect(matchSubscriptions(event({ type: 'nobody.knows' }), subs, catalog, none)).toEqual([]);
  });

  it("applies each destination's content filter after its types and projects: seed 002's paging and Slack split", () => {
    const failed = (environment: string) => event({ data: { environment: { name: environment } } });
    const subs = [
      sub('pager', { eventTypes: ['deploy.failed'], filter: { data: { environment: { name: 'production' } } } }),
      sub('slack', { eventTypes: ['deploy.failed'], filter: { data: { environment: { name: { $neq: 'production' } } } } }),
      sub('all'),
    ];
    expect(ids(matchSubscriptions(failed('production'), subs, catalog, none))).toEqual(['pager', 'all']);
    expect(ids(matchSubscriptions(failed('staging'), subs, catalog, none))).toEqual(['slack', 'all']);
    expect(ids(matchSubscriptions(event({ data: {} }), subs, catalog, none))).toEqual(['slack', 'all']);
    expect(ids(matchSubscriptions(event({ project_id: 'prj_2' }), [sub('scoped', { projectIds: ['prj_1'], filter: { project_id: 'prj_2' } })], catalog, none))).toEqual([]);
  });

  it('decides one destination as the fan-out does (what a backfill replay selects with)', () => {
    const started = subscriptionOf('webhook', { id: 'wh', eventTypes: ['deploy.started'], projectIds: ['prj_1'], enabled: true, filter: null });
    expect(receives(event({ type: 'deploy.started' }), started, catalog, new Map([['deploy.started', true]]))).toBe(true);
    expect(receives(event({ type: 'deploy.started' }), started, catalog, none)).toBe(false);
    expect(receives(event({ type: 'deploy.started', project_id: 'prj_2' }), started, catalog, new Map([['deploy.started', true]]))).toBe(false);
    expect(receives(event(), subscriptionOf('email', { id: 'ec', eventTypes: [], projectIds: [], enabled: true, filter: null }), catalog, none)).toBe(true);
  });
});
