import { jobMessage } from '@herald/deliveries';
import { aJob, aMessage, anEvent } from '../../test/factories';
import { aSender } from '../../test/fakes';
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

describe('DeliveryPlacement', () => {
  const job = keyed(1, 'dep_1');
  const asHeraldSendsIt = (value: Buffer) => ({ ...aMessage(job, 0, value), headers: jobMessage(job).headers as Record<string, string> });

  it("places a job Herald sent by its key and its ordering key's header, without reading the value", async () => {
    const { placement } = aSender();
    expect(await placement.place(asHeraldSendsIt(Buffer.from('not json at all')))).toEqual({ group: 'wh_1', lane: 'k:dep_1', limit: 16 });
    const unkeyed = { ...aMessage(keyed(2), 1), headers: jobMessage(keyed(2)).headers as Record<string, string> };
    expect(await placement.place(unkeyed)).toEqual({ group: 'wh_1', lane: null, limit: 16 });
  });

  it('parses a job that came without the header (sent before it existed) and places it the same', async () => {
    const { placement } = aSender();
    expect(await placement.place(aMessage(job, 0, Buffer.from(JSON.stringify(job))))).toEqual({ group: 'wh_1', lane: 'k:dep_1', limit: 16 });
    expect(await placement.place(aMessage(job, 0, Buffer.from('{"destination":')))).toBeNull();
  });
});
