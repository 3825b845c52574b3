import { Topics } from '@herald/kafka';
import { readTopic, testKafka } from '@herald/testing';
import { HeraldClient } from './client';

describe('HeraldClient', () => {
  it('rejects an invalid event before sending, naming the field', async () => {
    const client = new HeraldClient({ brokers: ['127.0.0.1:1'] });
    await expect(client.publish({ type: '', org_id: 'org_1' })).rejects.toThrow(/^type:/);
  });

  it('publishes to herald.events.v1 keyed by org', async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: Topics.events, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const client = new HeraldClient({ kafka });
    await client.connect();
    await client.publish({ id: 'client-spec-1', type: 'deploy.failed', org_id: 'org_client', data: { environment: 'prod' } });
    await client.disconnect();
    const seen = await readTopic(kafka, Topics.events, (messages) => messages.some((m) => m.value?.toString().includes('client-spec-1')));
    const message = seen.find((m) => m.value?.toString().includes('client-spec-1'))!;
    expect(message.key).toBe('org_client');
    expect(JSON.parse(message.value!.toString())).toEqual({ id: 'client-spec-1', type: 'deploy.failed', org_id: 'org_client', data: { environment: 'prod' } });
  });
});
