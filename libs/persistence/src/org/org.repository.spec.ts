import type { DataSource } from 'typeorm';
import { OrgRepository } from './org.repository';

/** An OrgRepository over a fake table whose reads the test answers, in the order they started. */
function orgsWithControlledReads() {
  const answers: ((found: boolean) => void)[] = [];
  const existsBy = jest.fn(() => new Promise<boolean>((resolve) => answers.push(resolve)));
  const dataSource = { getRepository: () => ({ existsBy }) } as unknown as DataSource;
  return { orgs: new OrgRepository(dataSource), answers, existsBy };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('OrgRepository.exists', () => {
  it("shares one read among a new org's concurrent events", async () => {
    const { orgs, answers, existsBy } = orgsWithControlledReads();
    const since = Date.now();
    const asked = Array.from({ length: 64 }, () => orgs.exists('org_new', since));
    expect(existsBy).toHaveBeenCalledTimes(1);
    answers[0](true);
    expect(await Promise.all(asked)).toEqual(Array(64).fill(true));
    // Known now: no read at all for the next events.
    expect(await orgs.exists('org_new', Date.now() + 1_000)).toBe(true);
    expect(existsBy).toHaveBeenCalledTimes(1);
  });

  it('does not trust a "no" from a read that began before the caller asked: the org may have been created since', async () => {
    const { orgs, answers, existsBy } = orgsWithControlledReads();
    const early = orgs.exists('org_late', Date.now());
    const later = [orgs.exists('org_late', Date.now() + 60_000), orgs.exists('org_late', Date.now() + 60_000)];
    expect(existsBy).toHaveBeenCalledTimes(1);
    answers[0](false);
    expect(await early).toBe(false);
    await tick();
    // The later callers share one new read.
    expect(existsBy).toHaveBeenCalledTimes(2);
    answers[1](true);
    expect(await Promise.all(later)).toEqual([true, true]);
  });

  it('answers callers that asked while a read was running with its "yes", without another read', async () => {
    const { orgs, answers, existsBy } = orgsWithControlledReads();
    const first = orgs.exists('org_found', Date.now());
    const during = [orgs.exists('org_found', Date.now() + 10), orgs.exists('org_found', Date.now() + 20)];
    answers[0](true);
    expect(await first).toBe(true);
    expect(await Promise.all(during)).toEqual([true, true]);
    expect(existsBy).toHaveBeenCalledTimes(1);
  });

  it('asks again once a "no" is older than the caller', async () => {
    const { orgs, answers, existsBy } = orgsWithControlledReads();
    const first = orgs.exists('org_gone', Date.now());
    answers[0](false);
    expect(await first).toBe(false);
    const next = orgs.exists('org_gone', Date.now() + 60_000);
    expect(existsBy).toHaveBeenCalledTimes(2);
    answers[1](false);
    expect(await next).toBe(false);
  });
});
