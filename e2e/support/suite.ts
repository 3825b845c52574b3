import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { Topics } from '@herald/kafka';
import { createDataSource, OrgRepository } from '@herald/persistence';
import { startReceiver, testKafka, type Receiver, type ReceiverReply } from '@herald/testing';
import { buildAndMigrate, root, startStack, type ExitInfo, type RunningStack } from './stack';

/** The shared test database's name with `_own` appended: a database of a suite's own, on the same server. */
function ownDatabaseUrl(shared: string): string {
  const url = new URL(shared);
  url.pathname = `${url.pathname}_own`;
  return url.toString();
}

export interface EndToEndOptions {
  /** First port of the four services; each suite has its own range so suites never collide. */
  portBase: number;
  /** Service settings beyond stackEnv's; a function when they depend on what the suite starts first. */
  env?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  poolSize?: number;
  /** Each line the services print, from their start. */
  onLine?: (name: string, line: string) => void;
  /** Called with how each service exited, after they have all been stopped. */
  afterStop?: (exits: ExitInfo[]) => void;
  /**
   * A broker (on this port) and a database of the suite's own, both fresh, instead of the ones every suite shares:
   * for a suite whose assertions read global state (every consumer group's lag, every paused webhook, every late
   * retry), which the suites before it leave behind.
   */
  ownInfrastructure?: { kafkaPort: number };
}

interface Broker {
  brokers: string;
  stop(): Promise<unknown>;
}

/** An event as a producer writes it, minus the org (the Kafka key and `org_id` are the same org). */
export interface PublishedEvent {
  id: string;
  type: string;
  project_id?: string;
  data?: Record<string, unknown>;
  ordering_key?: string;
}

/** What every end-to-end suite has: the built and migrated services running against the test broker and database. */
export interface EndToEnd {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  /** The database the services use (the suite's own with `ownInfrastructure`), for the CLI. */
  readonly databaseUrl: string;
  readonly producer: Producer;
  readonly stack: RunningStack;
  /** Runs after the services have stopped (receivers, servers, temp dirs), last registered first. */
  cleanup(close: () => unknown): void;
  /** A loopback HTTP receiver, closed with the suite; `reply` chooses the answer to the n-th request. */
  receiver(reply?: (index: number) => ReceiverReply): Promise<Receiver>;
  org(id: string, name?: string): Promise<unknown>;
  publish(orgId: string, ...events: PublishedEvent[]): Promise<unknown>;
}

/** Registers the suite's beforeAll/afterAll: build, migrate, start the four services; stop them and clean up. */
export function endToEnd(options: EndToEndOptions): EndToEnd {
  const own = options.ownInfrastructure;
  const databaseUrl = own ? ownDatabaseUrl(process.env.DATABASE_URL!) : process.env.DATABASE_URL!;
  const kafka = own ? new Kafka({ clientId: 'herald-test', brokers: [`127.0.0.1:${own.kafkaPort}`], logLevel: logLevel.NOTHING }) : testKafka();
  const dataSource = createDataSource(databaseUrl, options.poolSize ?? 4);
  const cleanups: (() => unknown)[] = [];
  const kafkaDataDir = own ? mkdtempSync(path.join(os.tmpdir(), 'herald-suite-kafka-')) : undefined;
  let broker: Broker | undefined;
  let producer: Producer | undefined;
  let stack: RunningStack | undefined;

  beforeAll(async () => {
    const ownEnv: Record<string, string> = {};
    if (own) {
      const [{ startKafka }, { resetDatabase }] = (await Promise.all([import(pathToFileURL(path.join(root, 'tools/kafka/kafka.mjs')).href), import(pathToFileURL(path.join(root, 'tools/dev/postgres.mjs')).href)])) as [
        { startKafka(options: { port: number; dataDir: string; fresh: boolean; heapMb: number }): Promise<Broker> },
        { resetDatabase(url: string): Promise<void> },
      ];
      [broker] = await Promise.all([startKafka({ port: own.kafkaPort, dataDir: kafkaDataDir!, fresh: true, heapMb: 384 }), resetDatabase(databaseUrl)]);
      Object.assign(ownEnv, { KAFKA_BROKERS: broker.brokers, DATABASE_URL: databaseUrl });
    }
    buildAndMigrate(databaseUrl);
    await dataSource.initialize();
    const env = typeof options.env === 'function' ? await options.env() : options.env;
    stack = await startStack(options.portBase, { ...env, ...ownEnv }, options.onLine);
    producer = kafka.producer();
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    const exits = await stack?.stop();
    for (const close of cleanups.reverse()) await close();
    await dataSource.destroy();
    await broker?.stop();
    if (kafkaDataDir) rmSync(kafkaDataDir, { recursive: true, force: true });
    if (exits) options.afterStop?.(exits);
  }, 90_000);

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (use it inside a test or a later beforeAll)`);
    return value;
  };

  return {
    kafka,
    dataSource,
    databaseUrl,
    get producer() {
      return started(producer, 'the producer');
    },
    get stack() {
      return started(stack, 'the stack');
    },
    cleanup: (close) => cleanups.push(close),
    async receiver(reply) {
      const receiver = await startReceiver(reply ? (_request, index) => reply(index) : undefined);
      cleanups.push(() => receiver.close());
      return receiver;
    },
    org: (id, name) => new OrgRepository(dataSource).upsert(id, name),
    publish: (orgId, ...events) =>
      started(producer, 'the producer').send({
        topic: Topics.events,
        messages: events.map((event) => ({ key: orgId, value: JSON.stringify({ ...event, org_id: orgId, data: event.data ?? {} }) })),
      }),
  };
}
