import { randomUUID } from 'node:crypto';
import { INTAKE_LIMITS, InvalidEventError } from '@herald/events';
import { Topics } from '@herald/kafka';
import { readTopic, testKafka } from '@herald/testing';
import { HeraldClient } from './client';

describe('HeraldClient', () => {
  it('rejects an invalid event before sending, naming the field', async () => {
    const client = new HeraldClient({ brokers: ['127.0.0.1:1'] });
    await expect(client.publish({ type: '', org_id: 'org_1' })).rejects.toThrow(/^type:/);
  });

  it('rejects before sending what ingest would refuse whatever the schema says', async () => {
    const client = new HeraldClient({ brokers: ['127.0.0.1:1'] });
    const refusal = (data: Record<string, unknown>) => client.publish({ type: 'deploy.failed', org_id: 'org_1', data }).catch((error: unknown) => error);
    expect(await refusal({ note: 'a\u0000b' })).toMatchObject({ field: 'data.note', code: 'nul_character' });
    const tooLarge = await refusal({ blob: 'x'.repeat(INTAKE_LIMITS.maxEventBytes) });
    expect(tooLarge).toBeInstanceOf(InvalidEventError);
    expect(tooLarge).toMatchObject({ code: 'too_large' });
  });

  it('publishes to herald.events.v1 keyed by org, concurrent publishes each in order per org', async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: Topics.events, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const client = new HeraldClient({ kafka });
    await client.connect();
    await client.publish({ id: 'client-spec-1', type: 'deploy.failed', org_id: 'org_client', data: { environment: 'prod' } });
    // At once, as a platform's request handlers would. KafkaProducer's own spec shows it keeps one request in flight and
    // recovers from a refused one; here, that publishes made together all arrive, each org's in the order published.
    const run = randomUUID().slice(0, 8);
    const orgs = [0, 1, 2].map((i) => `org_client_${run}_${i}`);
    await Promise.all(Array.from({ length: 30 }, (_, n) => client.publish({ type: 'deploy.failed', org_id: orgs[n % 3], data: { n } })));
    await client.disconnect();
    const ours = (messages: { key: string | null }[]) => messages.filter((m) => orgs.includes(m.key ?? ''));
    const seen = await readTopic(kafka, Topics.events, (messages) => ours(messages).length >= 30 && messages.some((m) => m.value?.toString().includes('client-spec-1"')));
    const message = seen.find((m) => m.value?.toString().includes('client-spec-1"'))!;
    expect(message.key).toBe('org_client');
    expect(JSON.parse(message.value!.toString())).toEqual({ id: 'client-spec-1', type: 'deploy.failed', org_id: 'org_client', data: { environment: 'prod' } });
    for (const org of orgs) {
      const ns = seen.filter((m) => m.key === org).map((m) => (JSON.parse(m.value!.toString()) as { data: { n: number } }).data.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
      expect(ns).toHaveLength(10);
    }
  });
});
