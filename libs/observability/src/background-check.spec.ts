import { BackgroundCheck } from './background-check';

describe('BackgroundCheck', () => {
  it('keeps the last answer, resets the connection after a failure or no answer in time, and recovers by itself', async () => {
    const answers: (() => Promise<void>)[] = [async () => undefined, () => Promise.reject(new Error('down')), () => new Promise<void>(() => undefined), async () => undefined];
    let resets = 0;
    const check = new BackgroundCheck(
      () => answers.shift()!(),
      async () => void resets++,
      60_000,
      50,
    );
    expect(check.ok).toBe(false); // nothing asked yet: not ready
    expect(await check.check()).toBe(true);
    expect(await check.check()).toBe(false);
    expect(resets).toBe(1);
    expect(await check.check()).toBe(false); // hangs: counts as no answer after the timeout
    expect(resets).toBe(2);
    expect(await check.check()).toBe(true);
    expect(check.ok).toBe(true);
  });

  it('recovers after a reset that never finishes (a client stuck disconnecting)', async () => {
    const answers: (() => Promise<void>)[] = [() => Promise.reject(new Error('down')), async () => undefined];
    const check = new BackgroundCheck(
      () => answers.shift()!(),
      () => new Promise<void>(() => undefined),
      60_000,
      50,
    );
    expect(await check.check()).toBe(false);
    expect(await check.check()).toBe(true);
  });

  it('never runs two checks at once: a check asked during a slow one shares its answer', async () => {
    let release!: () => void;
    let asked = 0;
    const check = new BackgroundCheck(
      () => {
        asked++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      async () => undefined,
    );
    const first = check.check();
    const second = check.check();
    expect(check.ok).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(asked).toBe(1);
  });
});
