import { Headers } from '@herald/kafka';
import { createHash } from 'node:crypto';
import { deliveryId, firstAttempts, firstJobs, jobMessage, parseDeliveryJob, type DeliveryJob } from './job';

const event = { id: 'evt_1', type: 'deployment.started', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: { deployment: { id: 'dep_1' } } };
const job: DeliveryJob = { delivery_id: deliveryId(event, 'wh_1'), attempt: 1, destination: { kind: 'webhook', id: 'wh_1' }, event };

describe('jobMessage', () => {
  it('keys the job by its destination and carries its ordering key in a header, the job itself as the value', () => {
    const keyed = { ...job, event: { ...event, ordering_key: 'dep_1' } };
    const message = jobMessage(keyed);
    expect(message.key).toBe('wh_1');
    expect(message.headers).toEqual({ [Headers.orderingKey]: 'dep_1' });
    expect(parseDeliveryJob(Buffer.from(String(message.value)))).toEqual(keyed);
  });

  it('says a job has no ordering key with an empty header, and keeps the headers it is given', () => {
    expect(jobMessage(job, { [Headers.dueAt]: '5000' }).headers).toEqual({ [Headers.dueAt]: '5000', [Headers.orderingKey]: '' });
  });
});

describe('firstJobs and firstAttempts', () => {
  const destinations = [
    { kind: 'webhook' as const, id: 'wh_1' },
    { kind: 'email' as const, id: 'ch_"quoted"\\' },
    { kind: 'webhook' as const, id: 'wh_ünï😀' },
  ];

  it('gives each destination its first attempt, and the message jobMessage writes for it, text for text', () => {
    const events = [
      event,
      { ...event, ordering_key: 'dep_1', project_id: 'prj_1' },
      { ...event, data: { text: 'line\u2028separator "quoted" \\ é😀 \u0000', nested: [1, null, { a: true }], empty: {} } },
      { ...event, data: JSON.parse('{"__proto__":{"polluted":true},"n":-0.5e-7}') as Record<string, unknown> },
    ];
    for (const each of events) {
      const { jobs, messages } = firstAttempts(each, destinations);
      expect(jobs).toEqual(destinations.map((destination) => ({ delivery_id: deliveryId(each, destination.id), attempt: 1, destination, event: each })));
      expect(messages).toEqual(jobs.map((job) => jobMessage(job)));
      expect(firstJobs(each, destinations)).toEqual(jobs);
    }
  });

  it('has nothing to send for no destinations', () => {
    expect(firstAttempts(event, [])).toEqual({ jobs: [], messages: [] });
  });
});

describe('deliveryId', () => {
  it('is msg_ and the first 27 characters of the base64url SHA-256 of org, event and destination', () => {
    const digest = createHash('sha256').update('org_1\u0000evt_1\u0000wh_1').digest('base64url');
    expect(deliveryId(event, 'wh_1')).toBe(`msg_${digest.slice(0, 27)}`);
  });
});
