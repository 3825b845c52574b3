import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { testKafka } from '@herald/testing';
import { ConsumerRunner, defer, type InboundMessage, type MessageHandler } from './consumer';

/** Against the real broker: what is committed, what is retried, what waits. */
describe('ConsumerRunner', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = testKafka();
  });

  async function topicWith(values: { key: string; value: string }[], partitions = 1): Promise<string> {
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

  async function run(topic: string, handler: MessageHandler, concurrency = 1, perKeyConcurrency = 1) {
    const groupId = `test-${randomUUID()}`;
    const runner = new ConsumerRunner(kafka, { groupId, topics: [topic], handler, concurrency, perKeyConcurrency });
    await runner.start();
    return { groupId, runner };
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

  it('runs up to perKeyConcurrency messages of one key at once, each lane in order', async () => {
    const topic = await topicWith(Array.from({ length: 6 }, (_, i) => ({ key: 'a', value: String(i) })));
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    const { runner } = await run(
      topic,
      async (m) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 100));
        seen.push(Number(m.value!.toString()));
        running--;
      },
      8,
      2,
    );
    await until(() => seen.length === 6);
    await runner.stop();
    expect(most).toBe(2);
    expect(seen.filter((n) => n % 2 === 0)).toEqual([0, 2, 4]);
    expect(seen.filter((n) => n % 2 === 1)).toEqual([1, 3, 5]);
  });

  it('retries a failing message after a pause instead of skipping it, and commits nothing past it', async () => {
    const topic = await topicWith([
      { key: 'a', value: 'ok-1' },
      { key: 'a', value: 'flaky' },
      { key: 'a', value: 'ok-2' },
    ]);
    const calls: string[] = [];
    let failures = 0;
    const { groupId, runner } = await run(topic, async (m) => {
      const value = m.value!.toString();
      calls.push(value);
      if (value === 'flaky' && failures++ < 2) throw new Error('database unavailable');
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
});
