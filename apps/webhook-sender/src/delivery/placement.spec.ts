import { aJob, anEvent } from '../../test/factories';
import { placementFor } from './placement';

const keyed = (n: number, key?: string) => aJob(n, { event: { ...anEvent, ...(key === undefined ? {} : { ordering_key: key }) } });

describe('placementFor', () => {
  it('key ordering: one lane per ordering key, unkeyed deliveries on their own, up to max_in_flight', () => {
    const settings = { ordering: 'key' as const, maxInFlight: 16 };
    expect(placementFor(keyed(1, 'dep_1'), settings)).toEqual({ group: 'wh_1', lane: 'k:dep_1', limit: 16 });
    expect(placementFor(keyed(2), settings)).toEqual({ group: 'wh_1', lane: null, limit: 16 });
  });

  it('endpoint ordering: every delivery in one lane, one at a time, whatever max_in_flight says', () => {
    expect(placementFor(keyed(1, 'dep_1'), { ordering: 'endpoint', maxInFlight: 16 })).toEqual({ group: 'wh_1', lane: '', limit: 1 });
  });

  it('no ordering: keys are ignored, up to max_in_flight', () => {
    expect(placementFor(keyed(1, 'dep_1'), { ordering: 'none', maxInFlight: 4 })).toEqual({ group: 'wh_1', lane: null, limit: 4 });
  });

  it('settings unknown (deleted, or unreadable now): one at a time, the strictest', () => {
    expect(placementFor(keyed(1, 'dep_1'), null)).toEqual({ group: 'wh_1', lane: '', limit: 1 });
  });
});
