import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { testKafka } from '@herald/testing';
import { ConsumerRunner, defer, type ConsumerOptions, type InboundMessage, type MessageHandler, type QuarantineFailure } from './consumer';
import { PoisonMessage } from './failures';

/** Against the real broker: what is committed, what is retried, what waits. */
describe('ConsumerRunner', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = testKafka();
  });

  async function topicWith(values: { key: string; value: string; partition?: number }[], partitions = 1): Promise<string> {
    const topic = `test.consumer.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: values });
    await producer.disconnect();
    return topic;
  }

  async function committed(groupId: string, topic: string): Promise<string[]> {
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  }

  type Quarantined = { message: InboundMessage; failure: QuarantineFailure };

  async function run(topic: string, handler: MessageHandler, concurrency = 1, more: Partial<ConsumerOptions> = {}) {
    const groupId = `test-${randomUUID()}`;
    const quarantined: Quarantined[] = [];
    const quarantine = async (message: InboundMessage, failure: QuarantineFailure) => void quarantined.push({ message, failure });
    const runner = new ConsumerRunner(kafka, { groupId, topics: [topic], handler, concurrency, quarantine, ...more });
    await runner.start();
    return { groupId, runner, quarantined };
  }

  const until = async (check: () => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('commits after handlers finish and keeps per-key order under concurrency', async () => {
    const values = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: String(i) }));
    const topic = await topicWith(values);
    const seen: InboundMessage[] = [];
    const { groupId, runner } = await run(
      topic,
      async (m) => {
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        seen.push(m);
      },
      8,
    );
    await until(() => seen.length === 30);
    await until(() => runner.health().lastProgressAt !== null);
    await runner.stop();
    for (const key of ['k0', 'k1', 'k2']) {
      const order = seen.filter((m) => m.key === key).map((m) => Number(m.value!.toString()));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(await committed(groupId, topic)).toEqual(['30']);
  });

  it('with a fetch linger, fetches again only once it has passed since the last fetch that brought messages', async () => {
    const lingerMs = 500;
    const topic = await topicWith([{ key: 'a', value: 'first' }]);
    const producer = kafka.producer();
    await producer.connect();
    const seen: InboundMessage[] = [];
    const { runner } = await run(
      topic,
      async (m) => {
        seen.push(m);
        // Produced once the first fetch is back: without the linger the next fetch, waiting on the broker, takes it at once.
        if (m.value!.toString() === 'first') await producer.send({ topic, messages: [{ key: 'b', value: 'second' }] });
      },
      1,
      { fetchLingerMs: lingerMs },
    );
    await until(() => seen.length === 2);
    await runner.stop();
    await producer.disconnect();
    expect(seen.map((m) => m.value!.toString())).toEqual(['first', 'second']);
    // The linger counts from the first fetch's answer, a moment before its message was handed out.
    expect(seen[1].receivedAt - seen[0].receivedAt).toBeGreaterThanOrEqual(lingerMs - 100);
  });

  it("commits the progress of every partition in one request", async () => {
    const topic = await topicWith(Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: String(i), partition: i % 3 })), 3);
    const commits: { partition: number }[][] = [];
    // The runner's own kafkajs consumer, with its commits recorded on the way to the broker.
    const recording = Object.create(kafka) as Kafka;
    recording.consumer = (config) => {
      const consumer = kafka.consumer(config);
      const commitOffsets = consumer.commitOffsets.bind(consumer);
      consumer.commitOffsets = (offsets) => (commits.push(offsets), commitOffsets(offsets));
      return consumer;
    };
    let started = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const groupId = `test-${randomUUID()}`;
    const runner = new ConsumerRunner(recording, { groupId, topics: [topic], concurrency: 2, handler: () => (started++, gate), quarantine: async () => undefined });
    await runner.start();
    await until(() => started === 6);
    release();
    await until(() => runner.health().lastProgressAt !== null);
    await runner.stop();
    expect(commits.map((c) => c.map((o) => o.partition).sort())).toEqual([[0, 1, 2]]);
    expect(await committed(groupId, topic)).toEqual(['2', '2', '2']);
  });

  it('lets later messages of other keys pass a slow one, committing nothing past it until it finishes', async () => {
    const topic = await topicWith([{ key: 'slow', value: 'slow' }]);
    let release!: () => void;
    const slowDone = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    const { groupId, runner } = await run(
      topic,
      async (m) => {
        const value = m.value!.toString();
        if (value === 'slow') await slowDone;
        handled.push(value);
      },
      8,
    );
    await until(() => runner.health().ready);
    await new Promise((r) => setTimeout(r, 500));
    // A later batch on the same partition, while the slow handler still runs.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ key: `fast-${i}`, value: `fast-${i}` })) });
    await producer.disconnect();
    await until(() => handled.length === 20);
    expect(handled).not.toContain('slow');
    await new Promise((r) => setTimeout(r, 300));
    expect(await committed(groupId, topic)).toEqual(['-1']);
    release();
    await until(() => handled.includes('slow'));
    await until(() => runner.health().lastProgressAt !== null);
    await runner.stop();
    expect(await committed(groupId, topic)).toEqual(['21']);
  });

  it('places messages: a group runs up to its limit at once, each lane in order, and commits once all finish', async () => {
    // Group = Kafka key, lane = the value's letter, limit 2: lanes x and y of group a run side by side, each in order.
    const values = ['x1', 'y1', 'x2', 'y2', 'x3', 'y3'].map((value) => ({ key: 'a', value }));
    const topic = await topicWith(values);
    let running = 0;
    let most = 0;
    const seen: string[] = [];
    const { groupId, runner } = await run(
      topic,
      async (m) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 100));
        seen.push(m.value!.toString());
        running--;
      },
      8,
      { place: (m) => ({ group: m.key!, lane: m.value!.toString()[0], limit: 2 }) },
    );
    await until(() => seen.length === 6);
    await until(() => runner.health().lastProgressAt !== null);
    await runner.stop();
    expect(most).toBe(2);
    expect(seen.filter((v) => v.startsWith('x'))).toEqual(['x1', 'x2', 'x3']);
    expect(seen.filter((v) => v.startsWith('y'))).toEqual(['y1', 'y2', 'y3']);
    expect(await committed(groupId, topic)).toEqual(['6']);
  });

  // The same failure whether the handler's promise rejects or the handler throws before it returns one.
  it.each([
    ['its promise rejects', (fail: boolean) => (fail ? Promise.reject(new Error('database unavailable')) : Promise.resolve())],
    ['it throws before returning its promise', (fail: boolean) => {
      if (fail) throw new Error('database unavailable');
      return Promise.resolve();
    }],
  ])('retries a failing message (%s) after a pause instead of skipping it, and commits nothing past it', async (_, answer) => {
    const topic = await topicWith([
      { key: 'a', value: 'ok-1' },
      { key: 'a', value: 'flaky' },
      { key: 'a', value: 'ok-2' },
    ]);
    const calls: string[] = [];
    let failures = 0;
    const { groupId, runner } = await run(topic, (m) => {
      const value = m.value!.toString();
      calls.push(value);
      return answer(value === 'flaky' && failures++ < 2);
    });
    await until(() => calls.includes('ok-2'));
    await runner.stop();
    expect(calls).toEqual(['ok-1', 'flaky', 'flaky', 'flaky', 'ok-2']);
    expect(await committed(groupId, topic)).toEqual(['3']);
  });

  it('holds a deferred message until its time without committing it', async () => {
    const topic = await topicWith([
      { key: 'a', value: 'now' },
      { key: 'a', value: 'later' },
    ]);
    const dueAt = Date.now() + 2_000;
    const handled: { value: string; at: number }[] = [];
    const { groupId, runner } = await run(topic, async (m) => {
      const value = m.value!.toString();
      if (value === 'later' && Date.now() < dueAt) return defer(dueAt);
      handled.push({ value, at: Date.now() });
    });
    await until(() => handled.length === 1);
    expect(await committed(groupId, topic)).toEqual(['1']);
    await until(() => handled.length === 2);
    await runner.stop();
    expect(handled[1].value).toBe('later');
    expect(handled[1].at).toBeGreaterThanOrEqual(dueAt);
    expect(await committed(groupId, topic)).toEqual(['2']);
  });

  it('quarantines a message whose failure repeats after a few attempts, and goes on past it', async () => {
    const topic = await topicWith([
      { key: 'a', value: 'ok-1' },
      { key: 'a', value: 'poison' },
      { key: 'a', value: 'ok-2' },
    ]);
    const calls: string[] = [];
    const { groupId, runner, quarantined } = await run(topic, async (m) => {
      const value = m.value!.toString();
      calls.push(value);
      if (value === 'poison') (undefined as unknown as { charAt(): void }).charAt();
    });
    await until(() => calls.includes('ok-2'));
    await until(() => runner.health().lastProgressAt !== null);
    await runner.stop();
    expect(calls).toEqual(['ok-1', 'poison', 'poison', 'poison', 'ok-2']);
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0].message.value!.toString()).toBe('poison');
    expect(quarantined[0].message.offset).toBe('1');
    expect(quarantined[0].failure).toMatchObject({ kind: 'repeating', reason: 'type_error', attempts: 3 });
    expect(await committed(groupId, topic)).toEqual(['3']);
  });

  it('quarantines a PoisonMessage at its first failure', async () => {
    const topic = await topicWith([
      { key: 'a', value: 'poison' },
      { key: 'a', value: 'ok' },
    ]);
    const calls: string[] = [];
    const { runner, quarantined } = await run(topic, async (m) => {
      calls.push(m.value!.toString());
      if (m.value!.toString() === 'poison') throw new PoisonMessage('job of 2 MB', 'job_too_large');
    });
    await until(() => calls.includes('ok'));
    await runner.stop();
    expect(calls).toEqual(['poison', 'ok']);
    expect(quarantined.map((q) => q.failure.reason)).toEqual(['job_too_large']);
  });

  it('retries through an outage without quarantining, not ready meanwhile, and not live once held past the stall timeout', async () => {
    const topic = await topicWith([{ key: 'a', value: 'needs-db' }]);
    let outage = true;
    let calls = 0;
    const { groupId, runner, quarantined } = await run(
      topic,
      async () => {
        calls++;
        if (outage) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
      1,
      { stallTimeoutMs: 2_500 },
    );
    await until(() => calls >= 2);
    expect(runner.health().ready).toBe(false);
    // Retried with backoff (0.5, 1, 2 s…): the message is stuck although each try is short.
    await until(() => !runner.health().live, 15_000);
    expect(calls).toBeGreaterThanOrEqual(3);
    outage = false;
    await until(() => runner.health().lastProgressAt !== null, 40_000);
    expect(runner.health()).toMatchObject({ ready: true, live: true });
    await runner.stop();
    expect(quarantined).toEqual([]);
    expect(await committed(groupId, topic)).toEqual(['1']);
  }, 60_000);

  it('hands the messages of a key beyond its queue bound to spill once the key crowds its partition, and keeps taking other keys', async () => {
    const topic = await topicWith([{ key: 'hung', value: 'hung-0' }]);
    let release!: () => void;
    const hung = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    const spilled: string[] = [];
    let hungSince: number | undefined;
    const { groupId, runner } = await run(
      topic,
      async (m) => {
        const value = m.value!.toString();
        if (value === 'hung-0') {
          hungSince = Date.now();
          await hung;
        }
        handled.push(value);
      },
      8,
      // Crowded from three unfinished messages on, which the hung key alone makes.
      { overflow: { maxQueuedPerKey: 2, crowdedAt: 3, spill: async (m) => void spilled.push(m.value!.toString()) } },
    );
    await until(() => runner.health().ready);
    // Stuck: it has finished nothing for over a second (the consumer's bound) when the rest of its key arrives.
    await until(() => hungSince !== undefined && Date.now() - hungSince > 1_100);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: 'hung', value: `hung-${i + 1}` })) });
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: `other-${i}`, value: `other-${i}` })) });
    await producer.disconnect();
    await until(() => handled.length === 5 && spilled.length === 8);
    // hung-0 runs, hung-1 and hung-2 wait behind it, hung-3…10 left through spill; every other key went on.
    expect(spilled).toEqual(Array.from({ length: 8 }, (_, i) => `hung-${i + 3}`));
    expect(handled.sort()).toEqual(['other-0', 'other-1', 'other-2', 'other-3', 'other-4']);
    expect(await committed(groupId, topic)).toEqual(['-1']);
    release();
    await until(() => handled.length === 8);
    expect(handled.slice(5)).toEqual(['hung-0', 'hung-1', 'hung-2']);
    await until(() => runner.health().lastProgressAt !== null);
    await runner.stop();
    expect(await committed(groupId, topic)).toEqual(['16']);
  });
  it('keeps a key over its queue bound queued while its partition is not crowded', async () => {
    const topic = await topicWith([{ key: 'slow', value: 'slow-0' }]);
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    const spilled: string[] = [];
    const { runner } = await run(
      topic,
      async (m) => {
        const value = m.value!.toString();
        if (value === 'slow-0') await slow;
        handled.push(value);
      },
      8,
      { overflow: { maxQueuedPerKey: 2, spill: async (m) => void spilled.push(m.value!.toString()) } },
    );
    await until(() => runner.health().ready);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [...Array.from({ length: 10 }, (_, i) => ({ key: 'slow', value: `slow-${i + 1}` })), { key: 'other', value: 'other-0' }] });
    await producer.disconnect();
    // other-0 came after all of slow's: by the time it ran, each of those had been placed.
    await until(() => handled.includes('other-0'));
    expect(spilled).toEqual([]);
    release();
    await until(() => handled.length === 12);
    expect(handled.filter((v) => v.startsWith('slow-'))).toEqual(Array.from({ length: 11 }, (_, i) => `slow-${i}`));
    await runner.stop();
  });
});
