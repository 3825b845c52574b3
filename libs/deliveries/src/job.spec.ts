import { Headers } from '@herald/kafka';
import { deliveryId, jobMessage, parseDeliveryJob, type DeliveryJob } from './job';

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
