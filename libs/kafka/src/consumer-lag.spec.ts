import { randomUUID } from 'node:crypto';
import { testKafka } from '@herald/testing';
import { consumerLag } from './consumer-lag';

/** Against the real broker: lag is what the group has not committed yet, summed over partitions. */
describe('consumerLag', () => {
  const kafka = testKafka();
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('counts uncommitted messages per topic, all of them for partitions the group never committed', async () => {
    const topic = `test.lag.${randomUUID()}`;
    const groupId = `test-lag-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [0, 0, 0, 0, 0, 1, 1, 1].map((partition, i) => ({ partition, value: String(i) })) });
    await producer.disconnect();

    expect(await consumerLag(admin, groupId, [topic])).toEqual([{ topic, lag: 8 }]);

    // The group has processed 3 of partition 0's 5 messages and none of partition 1's 3.
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] });
    expect(await consumerLag(admin, groupId, [topic])).toEqual([{ topic, lag: 2 + 3 }]);
  });
});
