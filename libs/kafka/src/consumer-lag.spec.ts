import { randomUUID } from 'node:crypto';
import { testKafka } from '@herald/testing';
import { consumerLag, groupsLag } from './consumer-lag';

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

  it("reports every group of a prefix, also one that has no member running, and no other prefix's", async () => {
    const topic = `test.lag.${randomUUID()}`;
    const prefix = `test-lag-${randomUUID()}.`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: String(i) })) });
    await producer.disconnect();
    // Two groups of the prefix that committed and then left (their services are down), one of another prefix.
    await admin.setOffsets({ groupId: `${prefix}ingest`, topic, partitions: [{ partition: 0, offset: '1' }] });
    await admin.setOffsets({ groupId: `${prefix}webhook-sender`, topic, partitions: [{ partition: 0, offset: '4' }] });
    await admin.setOffsets({ groupId: `other-${randomUUID()}.ingest`, topic, partitions: [{ partition: 0, offset: '0' }] });

    const lags = await groupsLag(admin, prefix);
    expect(lags.sort((a, b) => a.group.localeCompare(b.group))).toEqual([
      { group: `${prefix}ingest`, topic, lag: 5 },
      { group: `${prefix}webhook-sender`, topic, lag: 2 },
    ]);
  });
});
