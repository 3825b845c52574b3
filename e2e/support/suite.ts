import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { Topics } from '@herald/kafka';
import { createDataSource, OrgRepository } from '@herald/persistence';
import { startReceiver, testKafka, type Receiver, type ReceiverReply } from '@herald/testing';
import { buildAndMigrate, startStack, type ExitInfo, type RunningStack } from './stack';

export interface EndToEndOptions {
  /** First port of the five services; each suite has its own range so suites never collide. */
  portBase: number;
  /** Service settings beyond stackEnv's; a function when they depend on what the suite starts first. */
  env?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  poolSize?: number;
  /** Each line the services print, from their start. */
  onLine?: (name: string, line: string) => void;
  /** Called with how each service exited, after they have all been stopped. */
  afterStop?: (exits: ExitInfo[]) => void;
}

/** An event as a producer writes it, minus the org (the Kafka key and `org_id` are the same org). */
export interface PublishedEvent {
  id: string;
  type: string;
  project_id?: string;
  data?: Record<string, unknown>;
}

/** What every end-to-end suite has: the built and migrated services running against the test broker and database. */
export interface EndToEnd {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  readonly producer: Producer;
  readonly stack: RunningStack;
  /** Runs after the services have stopped (receivers, servers, temp dirs), last registered first. */
  cleanup(close: () => unknown): void;
  /** A loopback HTTP receiver, closed with the suite; `reply` chooses the answer to the n-th request. */
  receiver(reply?: (index: number) => ReceiverReply): Promise<Receiver>;
  org(id: string, name?: string): Promise<unknown>;
  publish(orgId: string, ...events: PublishedEvent[]): Promise<unknown>;
}

/** Registers the suite's beforeAll/afterAll: build, migrate, start the five services; stop them and clean up. */
export function endToEnd(options: EndToEndOptions): EndToEnd {
  const kafka = testKafka();
  const dataSource = createDataSource(process.env.DATABASE_URL!, options.poolSize ?? 4);
  const cleanups: (() => unknown)[] = [];
  let producer: Producer | undefined;
  let stack: RunningStack | undefined;

  beforeAll(async () => {
    buildAndMigrate();
    await dataSource.initialize();
    const env = typeof options.env === 'function' ? await options.env() : options.env;
    stack = await startStack(options.portBase, env, options.onLine);
    producer = kafka.producer();
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
    const exits = await stack?.stop();
    for (const close of cleanups.reverse()) await close();
    await dataSource.destroy();
    if (exits) options.afterStop?.(exits);
  }, 60_000);

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (use it inside a test or a later beforeAll)`);
    return value;
  };

  return {
    kafka,
    dataSource,
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
