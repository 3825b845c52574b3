import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { BUILTIN_EVENT_TYPES, EventCatalog, type HeraldEvent } from '@herald/events';
import type { DeadLetters, InboundMessage, KafkaProducer, QuarantineFailure, Settling } from '@herald/kafka';
import { IntakeMetrics } from '@herald/observability';
import type { EventLogRepository, OrgRepository } from '@herald/persistence';
import type { RoutingService, TopicBatch } from '../routing/routing.service';
import type { Freshness } from '../routing/subscriptions';
import { IntakeService } from './intake.service';

/**
 * The event log as a map keyed like the table (org, id); `failWith` makes the next insert fail. A new event comes back
 * with `subscriptionsVersion`, as the insert would read it.
 */
class FakeEventLog {
  readonly rows = new Map<string, HeraldEvent>();
  failWith: unknown = null;
  subscriptionsVersion: string | null = '3';

  async recordOnce(event: HeraldEvent) {
    if (this.failWith) throw this.failWith;
    const key = `${event.org_id}/${event.id}`;
    const stored = this.rows.get(key);
    if (stored) return { event: stored, published: true, subscriptionsVersion: null };
    this.rows.set(key, event);
    return { event, published: false, subscriptionsVersion: this.subscriptionsVersion };
  }

  /** Each mark asked for, and its write; with `holdMarks`, held until the test lets it through. */
  readonly marks: { id: string; urgent: boolean; written: () => void }[] = [];
  holdMarks = false;

  markPublished(event: HeraldEvent, urgent = false) {
    return new Promise<void>((written) => {
      this.marks.push({ id: event.id, urgent, written });
      if (!this.holdMarks) written();
    });
  }
}

/** Routing that sends every event to `wh_1`, as long as `delay` says; it records what it was asked. */
class FakeRouting {
  readonly asked: { id: string; freshness: Freshness }[] = [];
  readonly failed: { id: string; reason: string }[] = [];
  delay: (event: HeraldEvent) => Promise<void> = async () => undefined;

  async route(event: HeraldEvent, freshness: Freshness): Promise<TopicBatch[]> {
    this.asked.push({ id: event.id, freshness });
    await this.delay(event);
    return [{ topic: 'herald.deliveries.webhook.v1', messages: [{ key: 'wh_1', value: JSON.stringify({ delivery_id: `dlv_${event.id}`, event }) }] }];
  }

  async fail(event: HeraldEvent, reason: string) {
    this.failed.push({ id: event.id, reason });
  }
}

function setup() {
  const eventLog = new FakeEventLog();
  const routing = new FakeRouting();
  const sent: HeraldEvent[] = [];
  /** Each produce call: its topics and each message's key. */
  const requests: { topic: string; keys: (string | undefined)[] }[][] = [];
  const parked: { cause: string; reason: string; message: InboundMessage }[] = [];
  const producer = {
    sendBatch: async (batches: { topic: string; messages: { key?: string; value: string }[] }[]) => {
      requests.push(batches.map((b) => ({ topic: b.topic, keys: b.messages.map((m) => m.key) })));
      for (const m of batches.find((b) => b.topic === 'herald.events.accepted.v1')?.messages ?? []) sent.push(JSON.parse(m.value));
    },
  };
  const deadLetters = { parkInbound: async (_topic: string, cause: string, message: InboundMessage, reason: string) => void parked.push({ cause, reason, message }) };
  const orgs = { exists: async (orgId: string) => orgId === 'org_1' };
  const metrics = new IntakeMetrics(new Registry());
  const intake = new IntakeService(
    new EventCatalog(BUILTIN_EVENT_TYPES),
    orgs as unknown as OrgRepository,
    eventLog as unknown as EventLogRepository,
    routing as unknown as RoutingService,
    producer as unknown as KafkaProducer,
    deadLetters as unknown as DeadLetters,
    metrics,
  );
  const rejected = async () => (await metrics.rejected.get()).values.map((v) => `${v.labels.source}/${v.labels.reason}=${v.value}`);
  return { intake, eventLog, routing, sent, requests, parked, rejected };
}

const message = (value: Buffer | string, offset = '7'): InboundMessage => ({
  topic: 'herald.events.v1',
  partition: 2,
  offset,
  key: 'org_1',
  value: Buffer.from(value),
  headers: {},
  timestamp: '1764600000000',
  receivedAt: 0,
});

describe('IntakeService', () => {
  // Rejections are logged as warnings; the assertions read the dead letters instead.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(true));

  it("lets the next Kafka event start once one is published, its offset waiting for the event log's mark", async () => {
    const { intake, eventLog, sent } = setup();
    eventLog.holdMarks = true;
    const first = await intake.ingestMessage(message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1' })));
    const second = await intake.ingestMessage(message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1' }), '8'));
    expect(sent).toHaveLength(2);
    expect(eventLog.marks.map((m) => [m.id, m.urgent])).toEqual(sent.map((e) => [e.id, false]));
    let durable = false;
    void (first as Settling).durable.then(() => (durable = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(durable).toBe(false);
    eventLog.marks[0].written();
    await (first as Settling).durable;
    eventLog.marks[1].written();
    await (second as Settling).durable;
  });

  it('answers a REST caller once the event is marked published, asking for the mark at once', async () => {
    const { intake, eventLog } = setup();
    eventLog.holdMarks = true;
    let answered = false;
    const publishing = intake.publish({ type: 'deploy.failed', org_id: 'org_1' }).then((event) => ((answered = true), event));
    while (eventLog.marks.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    expect(eventLog.marks[0].urgent).toBe(true);
    eventLog.marks[0].written();
    expect((await publishing).id).toBe(eventLog.marks[0].id);
  });

  it('publishes the accepted event and its delivery jobs in one produce call', async () => {
    const { intake, requests } = setup();
    await intake.ingestMessage(message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1' })));
    expect(requests).toEqual([
      [
        { topic: 'herald.events.accepted.v1', keys: ['org_1'] },
        { topic: 'herald.deliveries.webhook.v1', keys: ['wh_1'] },
      ],
    ]);
  });

  it('routes with the subscriptions version the event log saw as it recorded the event, else as new as the event', async () => {
    const { intake, eventLog, routing } = setup();
    const before = Date.now();
    await intake.ingestMessage(message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1' })));
    eventLog.subscriptionsVersion = null;
    await intake.publish({ type: 'deploy.failed', org_id: 'org_1' });
    expect(routing.asked.map((a) => a.freshness.recordedVersion)).toEqual(['3', null]);
    for (const { freshness } of routing.asked) expect(freshness.receivedAt).toBeGreaterThanOrEqual(before);
  });

  it("keeps an org's events in their order on both topics when the first one's routing takes longer", async () => {
    const { intake, routing, sent } = setup();
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    routing.delay = (event) => (event.data.n === 1 ? firstHeld : Promise.resolve());
    const first = intake.ingestMessage(message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1', data: { n: 1 } })));
    const second = intake.ingestMessage(message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1', data: { n: 2 } }), '8'));
    while (routing.asked.length < 2) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(sent.map((e) => e.data.n)).toEqual([1, 2]);
  });

  it("fails the deliveries of a quarantined Kafka event, under the id intake gave it", async () => {
    const { intake, routing, sent } = setup();
    const raw = message(JSON.stringify({ type: 'deploy.failed', org_id: 'org_1' }));
    await intake.ingestMessage(raw);
    const failure = { reason: 'message_too_large', error: new Error('The request included a message larger than the max message size the server will accept') } as QuarantineFailure;
    await intake.quarantined(raw, failure);
    await intake.quarantined(message('{not json'), failure);
    expect(routing.failed).toEqual([{ id: sent[0].id, reason: 'not published, quarantined (message_too_large): The request included a message larger than the max message size the server will accept' }]);
  });

  it('gives an id-less Kafka event the same id each time its message is read again', async () => {
    const first = setup();
    const second = setup();
    const raw = JSON.stringify({ type: 'deploy.failed', org_id: 'org_1', data: { n: 1 } });
    await first.intake.ingestMessage(message(raw));
    await second.intake.ingestMessage(message(raw)); // a fresh process after a crash, same position
    await second.intake.ingestMessage(message(raw, '8')); // the same bytes produced again: another event
    expect(first.sent[0].id).toMatch(/^evt_/);
    expect(second.sent.map((e) => e.id)).toEqual([first.sent[0].id, expect.not.stringMatching(first.sent[0].id)]);
  });

  it('parks each poison event with its reason and counts it, without throwing (the partition moves on)', async () => {
    const { intake, parked, sent, rejected } = setup();
    const poison = [
      '{"type":"deploy.failed","org_id":"org_1","data":{"a":"\\u0000"}}',
      '{"type":"deploy.failed","org_id":"org_1","data":{"a":"\\ud800"}}',
      `{"type":"deploy.failed","org_id":"org_1","data":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      '{"type":"deploy.failed","org_id":"org_1","data":{"n":1e400}}',
    ];
    for (const value of poison) await intake.ingestMessage(message(value));
    await intake.ingestMessage(message(Buffer.from([0x7b, 0xff, 0x7d])));
    expect(sent).toEqual([]);
    expect(parked.map((p) => [p.cause, p.reason])).toEqual([
      ['rejected_event', 'data.a: contains a NUL character (U+0000)'],
      ['rejected_event', 'data.a: contains a lone UTF-16 surrogate (not valid Unicode)'],
      ['rejected_event', 'data: is nested more than 64 levels deep'],
      ['rejected_event', 'data.n: is a number too large to represent (beyond ±1.8e308)'],
      ['rejected_event', 'is not valid UTF-8'],
    ]);
    expect(await rejected()).toEqual(
      expect.arrayContaining(['kafka/nul_character=1', 'kafka/lone_surrogate=1', 'kafka/too_deep=1', 'kafka/number_out_of_range=1', 'kafka/invalid_utf8=1']),
    );
  });

  it('starts every intake counter at zero, so the first rejection of each kind shows as an increase', async () => {
    const { rejected } = setup();
    const series = await rejected();
    for (const source of ['kafka', 'api']) {
      for (const reason of ['malformed', 'unknown_type', 'unknown_org', 'too_large', 'nul_character', 'invalid_data']) expect(series).toContain(`${source}/${reason}=0`);
    }
  });

  it('parks an event the database refuses instead of retrying it forever, and retries an unreachable database', async () => {
    const { intake, eventLog, parked } = setup();
    const raw = JSON.stringify({ type: 'deploy.failed', org_id: 'org_1' });
    eventLog.failWith = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    await intake.ingestMessage(message(raw));
    expect(parked[0].reason).toBe('the database cannot store this event (SQLSTATE 22021: invalid byte sequence for encoding "UTF8": 0x00)');
    eventLog.failWith = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(intake.ingestMessage(message(raw))).rejects.toThrow('ECONNREFUSED');
    expect(parked).toHaveLength(1);
  });

  it('delivers __proto__ and constructor keys as sent', async () => {
    const { intake, sent } = setup();
    await intake.ingestMessage(message('{"type":"deploy.failed","org_id":"org_1","data":{"__proto__":{"x":1},"constructor":"c"}}'));
    expect(JSON.stringify(sent[0].data)).toBe('{"__proto__":{"x":1},"constructor":"c"}');
  });

  it('answers REST callers with the rejection, and gives REST events fresh ids', async () => {
    const { intake } = setup();
    await expect(intake.publish({ type: 'deploy.failed', org_id: 'org_1', data: { a: 'x\u0000' } })).rejects.toMatchObject({ code: 'nul_character', field: 'data.a' });
    const [a, b] = [await intake.publish({ type: 'deploy.failed', org_id: 'org_1' }), await intake.publish({ type: 'deploy.failed', org_id: 'org_1' })];
    expect(a.id).not.toBe(b.id);
  });
});
