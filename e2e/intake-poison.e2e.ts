import fc from 'fast-check';
import { Headers, Topics } from '@herald/kafka';
import { EventLogRepository, WebhookRepository } from '@herald/persistence';
import { canonicalJson, generateSecret } from '@herald/signing';
import { eventually, readTopic, type Receiver, type TopicMessage } from '@herald/testing';
import { servicesModule, stackEnv, suitePorts } from './support/stack';
import { endToEnd } from './support/suite';

/**
 * Kafka intake against the real broker and the four services: every poison class lands in
 * herald.events.dlq.v1 with its reason, the partition keeps moving (a good event produced after
 * them is delivered), a generated mix of good events is delivered exactly as sent, and an id-less
 * event keeps its id when its message is processed again.
 */
const PORT_BASE = suitePorts(5300);
const ORG = 'org_poison';
const POISON_CLASS = 'x-test-poison-class';

const envelope = (data: string, fields = `"org_id":"${ORG}"`) => `{"type":"deploy.failed",${fields},"data":${data}}`;

/** Each class of event ingest must refuse, as raw bytes, with the reason its DLQ copy must carry. */
const POISON: { name: string; value: Buffer; reason: RegExp }[] = [
  { name: 'nul-in-data', value: Buffer.from(envelope('{"a":"x\\u0000y"}')), reason: /^data\.a: contains a NUL character/ },
  { name: 'nul-in-org', value: Buffer.from(envelope('{}', `"org_id":"${ORG}\\u0000"`)), reason: /^org_id: contains a NUL character/ },
  { name: 'nul-in-project', value: Buffer.from(envelope('{}', `"org_id":"${ORG}","project_id":"prj\\u0000"`)), reason: /^project_id: contains a NUL character/ },
  { name: 'nul-in-key', value: Buffer.from(envelope('{"a\\u0000":1}')), reason: /^data: has a key that contains a NUL character/ },
  { name: 'lone-surrogate', value: Buffer.from(envelope('{"a":"\\ud800"}')), reason: /^data\.a: contains a lone UTF-16 surrogate/ },
  { name: 'invalid-utf8', value: Buffer.concat([Buffer.from(`{"type":"deploy.failed","org_id":"${ORG}","data":{"a":"`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]), reason: /^is not valid UTF-8$/ },
  { name: 'deep-5000', value: Buffer.from(envelope(`{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`)), reason: /^data: is nested more than 64 levels deep$/ },
  { name: 'oversize', value: Buffer.from(envelope(`{"blob":"${'x'.repeat(300 * 1024)}"}`)), reason: /^the event is \d+ bytes as JSON; at most 262144 are accepted$/ },
  { name: 'number-overflow', value: Buffer.from(envelope('{"n":1e400}')), reason: /^data\.n: is a number too large/ },
];

describe('Kafka intake: poison events and generated good ones', () => {
  const suite = endToEnd({ portBase: PORT_BASE, poolSize: 2 });
  const { kafka, dataSource } = suite;
  let receiver: Receiver;

  const bodiesFor = (id: string) => receiver.requests.filter((r) => (JSON.parse(r.body) as { id: string }).id === id);

  beforeAll(async () => {
    await suite.org(ORG);
    receiver = await suite.receiver();
    await new WebhookRepository(dataSource).create({ id: 'wh_poison', orgId: ORG, url: `${receiver.url}/hook` }, generateSecret());
  });

  it('parks every poison class in the DLQ with its reason, and the partition keeps moving', async () => {
    // One key, so one partition: the good event behind the poison must still get through.
    await suite.producer.send({ topic: Topics.events, messages: POISON.map((p) => ({ key: ORG, value: p.value, headers: { [POISON_CLASS]: p.name } })) });
    await suite.producer.send({ topic: Topics.events, messages: [{ key: ORG, value: envelope('{"after":"poison"}', `"id":"after-poison","org_id":"${ORG}"`) }] });

    await eventually(() => (bodiesFor('after-poison').length > 0 ? true : undefined), 60_000);

    const mine = (seen: TopicMessage[]) => seen.filter((m) => m.headers[POISON_CLASS]);
    const dlq = mine(await readTopic(kafka, Topics.eventsDlq, (seen) => mine(seen).length >= POISON.length, 60_000));
    for (const poison of POISON) {
      const parked = dlq.filter((m) => m.headers[POISON_CLASS] === poison.name);
      expect([poison.name, parked.length]).toEqual([poison.name, 1]);
      expect([poison.name, parked[0].headers[Headers.reason]]).toEqual([poison.name, expect.stringMatching(poison.reason)]);
      expect([poison.name, parked[0].headers[Headers.sourceTopic]]).toEqual([poison.name, Topics.events]);
      // Parked as it came, byte for byte, so it can be inspected and replayed.
      expect([poison.name, parked[0].value?.equals(poison.value)]).toEqual([poison.name, true]);
    }
    // None of them reached the event log or a receiver.
    expect(receiver.requests.every((r) => (JSON.parse(r.body) as { id: string }).id === 'after-poison')).toBe(true);
  }, 120_000);

  it('delivers a generated mix of good events exactly as sent, __proto__ and constructor keys included, among poison ones', async () => {
    const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'));
    const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const data = fc.dictionary(key, json, { minKeys: 1, maxKeys: 6 }).map((d) => JSON.parse(`{"__proto__":{"kept":true},"constructor":"data",${JSON.stringify(d).slice(1)}`) as Record<string, unknown>);
    const good = fc.sample(data, { numRuns: 40, seed: 20261201 }).map((d, i) => ({ id: `mix-${i}`, text: JSON.stringify({ id: `mix-${i}`, type: 'deploy.failed', org_id: ORG, data: d }) }));
    const messages = good.flatMap((event, i) => [{ key: ORG, value: event.text }, ...(i % 4 === 0 ? [{ key: ORG, value: POISON[i % POISON.length].value }] : [])]);
    await suite.producer.send({ topic: Topics.events, messages });

    await eventually(() => (good.every((e) => bodiesFor(e.id).length > 0) ? true : undefined), 90_000);
    for (const event of good) {
      const [delivered] = bodiesFor(event.id);
      const sent = (JSON.parse(event.text) as { data: unknown }).data;
      const received = (JSON.parse(delivered.body) as { data: unknown }).data;
      expect([event.id, canonicalJson(received)]).toEqual([event.id, canonicalJson(sent)]);
      expect(Object.keys(received as object)).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    }
  }, 150_000);

  it('gives an id-less event the same id when its message is processed again after ingest stops before committing', async () => {
    const [sent] = await suite.producer.send({ topic: Topics.events, messages: [{ key: ORG, value: envelope('{"stable":"id"}') }] });
    const first = await eventually(() => receiver.requests.find((r) => (JSON.parse(r.body) as { data: { stable?: string } }).data.stable === 'id'), 60_000);
    const eventId = (JSON.parse(first.body) as { id: string }).id;
    expect(eventId).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);

    // As if ingest had died before committing: stop it, move its group back to the message, start it again.
    await suite.stack.stopOne('ingest');
    const admin = kafka.admin();
    await admin.connect();
    const groupId = `${process.env.KAFKA_GROUP_PREFIX ?? 'herald'}.ingest`;
    try {
      // Until the stopped member has left the group, the broker refuses the reset.
      await eventually(() => admin.setOffsets({ groupId, topic: Topics.events, partitions: [{ partition: sent.partition, offset: sent.baseOffset! }] }).then(() => true), 90_000, 1000);
    } finally {
      await admin.disconnect();
    }
    const { startServices } = await servicesModule();
    const ingest = await startServices({ env: stackEnv(), ports: { ingest: PORT_BASE }, services: ['ingest'], onLine: () => undefined });
    suite.cleanup(() => ingest.stop());

    // A marker behind it on the same partition: once it is delivered, the message was processed again.
    await suite.producer.send({ topic: Topics.events, messages: [{ key: ORG, value: envelope('{}', `"id":"after-reseek","org_id":"${ORG}"`) }] });
    await eventually(() => (bodiesFor('after-reseek').length > 0 ? true : undefined), 90_000);

    // One event in the log, and every copy a receiver got carries the same id and webhook-id.
    const events = await new EventLogRepository(dataSource).listPage({ orgId: ORG, type: 'deploy.failed' }, { limit: 200 });
    expect(events.items.filter((e) => (e.data as { stable?: string }).stable === 'id').map((e) => e.id)).toEqual([eventId]);
    const copies = receiver.requests.filter((r) => (JSON.parse(r.body) as { data: { stable?: string } }).data.stable === 'id');
    expect(new Set(copies.map((r) => (JSON.parse(r.body) as { id: string }).id))).toEqual(new Set([eventId]));
    expect(new Set(copies.map((r) => r.headers['webhook-id']))).toEqual(new Set([first.headers['webhook-id']]));
  }, 240_000);
});
