import { randomUUID } from 'node:crypto';
import { readTopic, testKafka } from '@herald/testing';
import { readDeadLetters, replayDeadLetter } from './dead-letter-replay';
import { Headers } from './topology';

/** Against the real broker: an operator lists a dead-letter topic and sends one message back where it came from. */
describe('dead-letter replay', () => {
  const kafka = testKafka();

  async function topics(...names: string[]): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: true });
    await admin.disconnect();
  }

  const parked = (n: number, source: string) => ({
    key: `org_${n}`,
    value: `{"n":${n}}`,
    partition: 1,
    headers: { traceparent: `00-${n}`, [Headers.reason]: 'pg_22021', [Headers.error]: 'invalid byte sequence', [Headers.attempts]: '3', [Headers.sourceTopic]: source, [Headers.sourcePartition]: '4', [Headers.sourceOffset]: String(100 + n) },
  });

  it('lists what is parked with why and from where, and replays one message as it came', async () => {
    const dlq = `test.dlq.${randomUUID()}`;
    const source = `test.source.${randomUUID()}`;
    await topics(dlq, source);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: dlq, messages: [parked(0, source), parked(1, source), parked(2, source)] });
    await producer.disconnect();

    const letters = await readDeadLetters(kafka, dlq);
    expect(letters.map((l) => [l.partition, l.offset, l.key])).toEqual([
      [1, '0', 'org_0'],
      [1, '1', 'org_1'],
      [1, '2', 'org_2'],
    ]);
    expect(letters[1]).toMatchObject({ reason: 'pg_22021', error: 'invalid byte sequence', attempts: '3', source: { topic: source, partition: '4', offset: '101' }, valueOmitted: null });

    const { to } = await replayDeadLetter(kafka, dlq, { partition: 1, offset: '1' });
    expect(to).toBe(source);
    const [replayed] = await readTopic(kafka, source, (seen) => seen.length >= 1);
    expect(replayed.key).toBe('org_1');
    expect(replayed.value!.toString()).toBe('{"n":1}');
    expect(replayed.headers).toEqual({ traceparent: '00-1' });
  }, 60_000);

  it('replays a message parked without its value from its source position', async () => {
    const dlq = `test.dlq.${randomUUID()}`;
    const source = `test.source.${randomUUID()}`;
    const target = `test.target.${randomUUID()}`;
    await topics(dlq, source, target);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: source, messages: [{ key: 'org_big', value: 'the original', partition: 0, headers: { traceparent: '00-big' } }] });
    await producer.send({ topic: dlq, messages: [{ key: 'org_big', value: '', partition: 0, headers: { [Headers.reason]: 'message_too_large', [Headers.sourceTopic]: source, [Headers.sourcePartition]: '0', [Headers.sourceOffset]: '0', [Headers.valueOmitted]: '12' } }] });
    await producer.disconnect();

    await replayDeadLetter(kafka, dlq, { partition: 0, offset: '0' }, target);
    const [replayed] = await readTopic(kafka, target, (seen) => seen.length >= 1);
    expect(replayed).toMatchObject({ key: 'org_big', headers: { traceparent: '00-big' } });
    expect(replayed.value!.toString()).toBe('the original');
  }, 60_000);

  it('refuses an offset where nothing is parked', async () => {
    const dlq = `test.dlq.${randomUUID()}`;
    await topics(dlq);
    await expect(replayDeadLetter(kafka, dlq, { partition: 0, offset: '5' })).rejects.toThrow(/no message at/);
  });
});
