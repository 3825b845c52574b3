import { Registry } from 'prom-client';
import { DeadLetterMetrics } from '@herald/observability';
import { DeadLetters } from './dead-letters';
import type { KafkaProducer } from './producer';
import { Topics } from './topology';

describe('DeadLetters', () => {
  it('starts the parked-messages counter at 0 for every topic and cause, so the first dead letter is an increase', async () => {
    const metrics = new DeadLetterMetrics(new Registry());
    const producer = { send: async () => undefined } as unknown as KafkaProducer;
    const deadLetters = new DeadLetters(producer, metrics);
    const series = async () => Object.fromEntries((await metrics.parked.get()).values.map(({ labels, value }) => [`${labels.topic} ${labels.cause}`, value]));

    expect(await series()).toEqual({
      [`${Topics.eventsDlq} rejected_event`]: 0,
      [`${Topics.eventsDlq} unreadable_event`]: 0,
      [`${Topics.eventsDlq} quarantined`]: 0,
      [`${Topics.dead} exhausted`]: 0,
      [`${Topics.dead} unreadable_job`]: 0,
      [`${Topics.dead} invalid_retry`]: 0,
      [`${Topics.deliveriesDlq} quarantined`]: 0,
    });
    await deadLetters.park(Topics.eventsDlq, 'rejected_event', { key: 'org_1', value: '{' }, 'not JSON');
    expect((await series())[`${Topics.eventsDlq} rejected_event`]).toBe(1);
  });
});
