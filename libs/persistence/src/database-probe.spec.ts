import { DatabaseProbe } from './database-probe';

/** Against the test database, and against a port where nothing listens. */
describe('DatabaseProbe', () => {
  it('says PostgreSQL answers when it does, on a connection of its own', async () => {
    const probe = new DatabaseProbe(process.env.DATABASE_URL!, 60_000);
    expect(await probe.start()).toBe(true);
    expect(probe.reachable).toBe(true);
    await probe.stop();
  });

  it('says it does not when nothing answers, without throwing', async () => {
    const probe = new DatabaseProbe('postgres://postgres@127.0.0.1:1/nothing', 60_000);
    expect(await probe.start()).toBe(false);
    expect(probe.reachable).toBe(false);
    await probe.stop();
  });
});
