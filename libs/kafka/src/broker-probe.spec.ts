import { Kafka, logLevel } from 'kafkajs';
import { testKafka } from '@herald/testing';
import { BrokerProbe } from './broker-probe';

/** Against the real broker, and against a port where nothing listens. */
describe('BrokerProbe', () => {
  it('says the broker answers when it does', async () => {
    const probe = new BrokerProbe(testKafka());
    expect(await probe.probe()).toBe(true);
    expect(probe.reachable).toBe(true);
    await probe.stop();
  });

  it('says it does not when nothing answers, without throwing', async () => {
    const nowhere = new Kafka({ clientId: 'probe-test', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, connectionTimeout: 500 });
    const probe = new BrokerProbe(nowhere);
    expect(await probe.probe()).toBe(false);
    await probe.stop();
  });
});
