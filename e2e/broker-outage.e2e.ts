import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eventually } from '@herald/testing';
import { buildAndMigrate, root, servicesModule, stackEnv, suitePorts, type RunningStack } from './support/stack';

interface Broker {
  brokers: string;
  stop(): Promise<unknown>;
}

type StartKafka = (options: { port: number; dataDir: string; fresh: boolean; heapMb: number }) => Promise<Broker>;

/**
 * Readiness tells the truth about the broker: services on a broker of their own answer /readyz 503 while it is
 * down and 200 again once it is back, without a restart; liveness stays green through a short outage.
 */
const PORT_BASE = suitePorts(5400);
/** Beside the shared test broker (HERALD_TEST_KAFKA_PORT, +1 its controller), clear of runs spaced by 100. */
const BROKER_PORT = Number(process.env.HERALD_TEST_KAFKA_PORT ?? 19092) + 7;
const SERVICES = ['email-sender', 'retry-scheduler'] as const;

describe('probes during a broker outage', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'herald-outage-kafka-'));
  let startKafka: StartKafka;
  let broker: Broker | undefined;
  let stack: RunningStack | undefined;
  const ports = { 'email-sender': PORT_BASE + 3, 'retry-scheduler': PORT_BASE + 4 };
  const probe = async (service: (typeof SERVICES)[number], route: 'readyz' | 'healthz') => (await fetch(`http://127.0.0.1:${ports[service]}/${route}`)).status;
  /** Resolves once `service` answers /readyz with `status`; otherwise the last answer's body names the component that is not. */
  const readiness = async (service: (typeof SERVICES)[number], status: number, timeoutMs: number) =>
    eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${ports[service]}/readyz`);
      if (response.status === status) return true;
      throw new Error(`${service} /readyz ${response.status}: ${await response.text()}`);
    }, timeoutMs, 250);

  beforeAll(async () => {
    buildAndMigrate();
    ({ startKafka } = (await import(pathToFileURL(path.join(root, 'tools/kafka/kafka.mjs')).href)) as { startKafka: StartKafka });
    broker = await startKafka({ port: BROKER_PORT, dataDir, fresh: true, heapMb: 384 });
    const { startServices } = await servicesModule();
    stack = await startServices({ env: stackEnv({ KAFKA_BROKERS: broker.brokers }), services: SERVICES, ports, onLine: () => undefined });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);

  it('answers 503 on /readyz while the broker is down and 200 again once it is back', async () => {
    for (const service of SERVICES) expect(await probe(service, 'readyz')).toBe(200);
    await broker!.stop();
    broker = undefined;
    const downAt = Date.now();
    for (const service of SERVICES) await readiness(service, 503, 60_000);
    console.log(`readiness failed ${((Date.now() - downAt) / 1000).toFixed(1)} s after the broker stopped`);
    for (const service of SERVICES) expect(await probe(service, 'healthz')).toBe(200);

    broker = await startKafka({ port: BROKER_PORT, dataDir, fresh: false, heapMb: 384 });
    const upAt = Date.now();
    for (const service of SERVICES) await readiness(service, 200, 120_000);
    console.log(`readiness back ${((Date.now() - upAt) / 1000).toFixed(1)} s after the broker started again`);
    for (const service of SERVICES) expect(await probe(service, 'healthz')).toBe(200);
  }, 240_000);
});
