import { execFileSync } from 'node:child_process';
import { loadConfig } from '@herald/config';
import { eventually } from '@herald/testing';
import { HealthRegistry } from './health';
import { HealthServer } from './health-server';

describe('HealthServer', () => {
  const registry = new HealthRegistry();
  let consumerReady = false;
  registry.register('consumer', () => ({ ready: consumerReady, live: true }));
  const server = new HealthServer(registry, loadConfig({ HEALTH_PORT: '0', HERALD_HEALTH_STALE_AFTER: '300ms' }));
  const probe = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
  };

  beforeAll(() => server.onApplicationBootstrap());
  afterAll(() => server.beforeApplicationShutdown());

  it('answers /healthz and /readyz on its own port from the reports the service posts', async () => {
    expect(await probe('/healthz')).toEqual({ status: 200, body: { status: 'ok', components: { consumer: { ready: false, live: true } } } });
    expect((await probe('/readyz')).status).toBe(503);
    consumerReady = true;
    await eventually(async () => ((await probe('/readyz')).status === 200 ? true : undefined), 5_000, 20);
    expect((await probe('/metrics')).status).toBe(404);
  });

  it('fails both probes while the service posts nothing (its event loop stuck), and recovers when it posts again', async () => {
    // This thread's event loop is blocked for as long as the child runs: the child probes until the report goes stale.
    const seen = execFileSync(
      process.execPath,
      [
        '-e',
        `const url = 'http://127.0.0.1:${server.port}';
         (async () => {
           const until = Date.now() + 10000;
           while (Date.now() < until) {
             const live = await fetch(url + '/healthz');
             if (live.status === 503) {
               const ready = await fetch(url + '/readyz');
               return console.log(JSON.stringify({ live: await live.json(), ready: ready.status }));
             }
             await new Promise((resolve) => setTimeout(resolve, 20));
           }
           console.log('never stale');
         })();`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(seen)).toEqual({ live: { status: 'event loop not answering' }, ready: 503 });
    await eventually(async () => ((await probe('/healthz')).status === 200 ? true : undefined), 5_000, 20);
  });

  it('refuses to start on a port already taken, naming it', async () => {
    const taken = new HealthServer(registry, loadConfig({ HEALTH_PORT: String(server.port) }));
    await expect(taken.onApplicationBootstrap()).rejects.toThrow(`HEALTH_PORT ${server.port}: listen EADDRINUSE`);
  });
});
