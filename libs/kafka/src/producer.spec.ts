import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { testKafka } from '@herald/testing';
import { classifyFailure } from './failures';
import { KafkaProducer, splitBySize } from './producer';

describe('splitBySize', () => {
  it('keeps order, fills parts up to the limit, and gives an oversize item a part of its own', () => {
    expect(splitBySize([3, 3, 3, 9, 1, 1], (n) => n, 6)).toEqual([[3, 3], [3], [9], [1, 1]]);
    expect(splitBySize([], (n: number) => n, 6)).toEqual([]);
  });
});

/**
 * kafkajs's producer reduced to what KafkaProducer uses: each request's message values and the producer it went through
 * (kafka.producer() makes a new one each time), answered when the test says.
 */
function fakeKafka() {
  const requests: string[][] = [];
  const senders: number[] = [];
  const answers: { answer: () => void; refuse: (error: unknown) => void }[] = [];
  const disconnected: number[] = [];
  let made = 0;
  const makeProducer = () => {
    const id = ++made;
    return {
      events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
      on: () => undefined,
      connect: async () => undefined,
      disconnect: async () => void disconnected.push(id),
      sendBatch: ({ topicMessages }: { topicMessages: { messages: { value: string }[] }[] }) => {
        requests.push(topicMessages.flatMap((t) => t.messages.map((m) => m.value)));
        senders.push(id);
        return new Promise<void>((answer, refuse) => answers.push({ answer, refuse }));
      },
    };
  };
  return {
    kafka: { producer: makeProducer } as unknown as Kafka,
    requests,
    senders,
    disconnected,
    answerNext: () => answers.shift()!.answer(),
    refuseNext: (error: unknown) => answers.shift()!.refuse(error),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('KafkaProducer coalescing', () => {
  it('sends what one turn of the event loop queued in one request, and what came while it was in flight in the next', async () => {
    const { kafka, requests, answerNext } = fakeKafka();
    const producer = new KafkaProducer(kafka);
    const first = [producer.send('t', [{ key: 'a', value: '1' }]), producer.send('t', [{ key: 'b', value: '2' }])];
    await nextTurn();
    expect(requests).toEqual([['1', '2']]);
    const second = [producer.send('t', [{ key: 'c', value: '3' }]), producer.send('t', [{ key: 'd', value: '4' }])];
    await nextTurn();
    expect(requests).toHaveLength(1);
    answerNext();
    await Promise.all(first);
    await nextTurn();
    expect(requests).toEqual([['1', '2'], ['3', '4']]);
    answerNext();
    await Promise.all(second);
  });
});

describe('KafkaProducer after a refused request', () => {
  it('fails only the refused request, then sends through a new producer id, whose sequence numbers start afresh', async () => {
    const { kafka, requests, senders, disconnected, refuseNext, answerNext } = fakeKafka();
    const producer = new KafkaProducer(kafka);
    const refused = producer.send('t', [{ key: 'a', value: 'too large' }]);
    await nextTurn();
    const next = producer.send('t', [{ key: 'b', value: 'fits' }]);
    refuseNext(Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' }));
    await expect(refused).rejects.toThrow('larger than the max message size');
    while (requests.length < 2) await nextTurn();
    expect([requests, senders, disconnected]).toEqual([[['too large'], ['fits']], [1, 2], [1]]);
    answerNext();
    await next;
  });

  it('keeps its producer after a request that failed for another reason', async () => {
    const { kafka, requests, senders, refuseNext, answerNext } = fakeKafka();
    const producer = new KafkaProducer(kafka);
    const failed = producer.send('t', [{ key: 'a', value: '1' }]);
    await nextTurn();
    const next = producer.send('t', [{ key: 'b', value: '2' }]);
    refuseNext(Object.assign(new Error('Connection closed'), { name: 'KafkaJSConnectionClosedError' }));
    await expect(failed).rejects.toThrow('Connection closed');
    while (requests.length < 2) await nextTurn();
    expect(senders).toEqual([1, 1]);
    answerNext();
    await next;
  });
});

/** Against the real broker: coalesced sends stay ordered and within the broker's request limits. */
describe('KafkaProducer', () => {
  const kafka = testKafka();

  async function topic(configEntries: { name: string; value: string }[] = []): Promise<string> {
    const name = `test.producer.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1, configEntries }], waitForLeaders: true });
    await admin.disconnect();
    return name;
  }

  async function readAll(name: string, count: number): Promise<string[]> {
    const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === count) resolve();
        },
      });
    });
    await consumer.disconnect();
    return values;
  }

  it('delivers many concurrent sends, more than 1 MiB together, in the order they were made', async () => {
    const name = await topic();
    const producer = new KafkaProducer(kafka);
    await producer.connect();
    const filler = 'x'.repeat(1000);
    // 64 callers × 50 messages × ~1 KB ≈ 3 MB queued at once: must be split into several requests.
    await Promise.all(
      Array.from({ length: 64 }, (_, caller) =>
        producer.send(
          name,
          Array.from({ length: 50 }, (_, i) => ({ key: 'same', value: `${caller * 50 + i}:${filler}` })),
        ),
      ),
    );
    await producer.disconnect();
    const values = await readAll(name, 3200);
    expect(values.map((v) => Number(v.split(':')[0]))).toEqual(Array.from({ length: 3200 }, (_, i) => i));
  }, 60_000);

  it('splits one large fan-out to a single partition at the broker limit, and fails only the sender of a message too large', async () => {
    const name = await topic();
    const producer = new KafkaProducer(kafka);
    await producer.connect();
    // Ten 250 KB jobs to one partition (2.5 MB): one request would be refused.
    const large = 'y'.repeat(250 * 1024);
    const fanOut = producer.send(name, Array.from({ length: 10 }, (_, i) => ({ key: 'same', value: `${i}:${large}` })));
    const tooLarge = producer.send(name, [{ key: 'same', value: 'z'.repeat(1_200_000) }]);
    const small = producer.send(name, [{ key: 'same', value: '10:small' }]);
    await fanOut;
    await small;
    const failure = await tooLarge.then(() => undefined, (error: unknown) => error);
    expect(classifyFailure(failure)).toEqual({ kind: 'repeating', reason: 'message_too_large' });
    await producer.disconnect();
    const values = await readAll(name, 11);
    expect(values.map((v) => Number(v.split(':')[0]))).toEqual(Array.from({ length: 11 }, (_, i) => i));
  }, 60_000);

  it('goes on sending to a partition after a request that appended to it was refused for another', async () => {
    const open = await topic();
    const strict = await topic([{ name: 'max.message.bytes', value: '10000' }]);
    const producer = new KafkaProducer(kafka);
    await producer.connect();
    await producer.send(open, [{ key: 'k', value: '0' }]);
    // One request: the open topic's batch is appended, the strict topic's refused.
    const sends = [producer.send(open, [{ key: 'k', value: '1' }]), producer.send(strict, [{ key: 'k', value: 'z'.repeat(20_000) }])];
    const failures = await Promise.all(sends.map((send) => send.then(() => undefined, (error: unknown) => error)));
    expect(failures.map((failure) => failure && classifyFailure(failure))).toEqual([{ kind: 'repeating', reason: 'message_too_large' }, { kind: 'repeating', reason: 'message_too_large' }]);
    // kafkajs kept the open partition's old sequence number: without a new producer id this send is refused forever.
    await producer.send(open, [{ key: 'k', value: '2' }]);
    await producer.disconnect();
    expect(await readAll(open, 3)).toEqual(['0', '1', '2']);
  }, 60_000);
});
