import { Registry } from 'prom-client';
import type { HeraldConfig } from '@herald/config';
import { parseDeliveryJob } from '@herald/deliveries';
import type { HeraldEvent } from '@herald/events';
import { Topics, type KafkaProducer, type OutboundMessage } from '@herald/kafka';
import { RetryMetrics } from '@herald/observability';
import type { DestinationStatus, ReplayEntity, ReplayItem, ReplayRepository, ReplayState, ReplayStep } from '@herald/persistence';
import { ReplayRunner } from './replay-runner';

const event = (n: number): HeraldEvent => ({
  id: `evt_${n}`,
  type: 'deploy.failed',
  org_id: 'org_1',
  project_id: null,
  occurred_at: '2026-01-01T00:00:00.000Z',
  created_at: `2026-01-01T00:00:0${n}.000Z`,
  data: { n },
});

/** One replay and its items in memory, stepped the way ReplayRepository.step does: changes land only if the step returns. */
class FakeReplays {
  replay: ReplayEntity;
  destination: DestinationStatus = 'active';
  locked = false;
  failNextSent = false;

  constructor(
    readonly items: { deliveryId: string; event: HeraldEvent | null; attemptsMade: number }[],
    over: Partial<ReplayEntity> = {},
  ) {
    this.replay = { id: 'rpl_1', orgId: 'org_1', destinationKind: 'webhook', destinationId: 'wh_1', selection: 'failed', rate: 20, state: 'running', reason: null, total: items.length, position: 0, sent: 0, nextSendAt: null, finishedAt: null, ...over } as ReplayEntity;
  }

  async step<T>(_id: string, run: (step: ReplayStep) => Promise<T>): Promise<T | 'busy' | 'inactive'> {
    if (this.locked) return 'busy';
    if (this.replay.state !== 'running' && this.replay.state !== 'waiting') return 'inactive';
    const draft = { ...this.replay } as ReplayEntity;
    const step: ReplayStep = {
      replay: draft,
      destination: async () => this.destination,
      nextItem: async (): Promise<ReplayItem | null> => {
        const item = this.items[draft.position];
        return item ? { seq: draft.position, ...item } : null;
      },
      sent: async (item, nextSendAt) => {
        if (this.failNextSent) {
          this.failNextSent = false;
          throw new Error('connection terminated');
        }
        Object.assign(draft, { position: item.seq + 1, sent: draft.sent + 1, nextSendAt, state: 'running', reason: null });
      },
      skipped: async (item) => void (draft.position = item.seq + 1),
      setState: async (state: ReplayState, reason) => void Object.assign(draft, { state, reason }),
    };
    const result = await run(step);
    this.replay = draft;
    return result;
  }
}

function setup(replays: FakeReplays) {
  const produced: { topic: string; message: OutboundMessage }[] = [];
  const producer = { send: async (topic: string, messages: OutboundMessage[]) => void produced.push(...messages.map((message) => ({ topic, message }))) } as unknown as KafkaProducer;
  const config = { HERALD_REPLAY_POLL_MS: 1000 } as HeraldConfig;
  const sentJobs = () => produced.map(({ message }) => parseDeliveryJob(Buffer.from(String(message.value))));
  return { runner: new ReplayRunner(replays as unknown as ReplayRepository, producer, new RetryMetrics(new Registry()), config), produced, sentJobs };
}

const items = (count: number, attemptsMade = 3) => Array.from({ length: count }, (_, n) => ({ deliveryId: `msg_${n}`, event: event(n), attemptsMade }));

describe('ReplayRunner', () => {
  it('sends the items in order, one per step, each with its delivery id as the next attempt, no sooner than the cap allows', async () => {
    const replays = new FakeReplays(items(3));
    const { runner, produced, sentJobs } = setup(replays);
    expect(await runner.step('rpl_1', () => 10_000)).toBe(10_050);
    // Too early for the next one: nothing goes; the next step is when the interval is over.
    expect(await runner.step('rpl_1', () => 10_020)).toBe(10_050);
    expect(await runner.step('rpl_1', () => 10_050)).toBe(10_100);
    expect(await runner.step('rpl_1', () => 10_100)).toBe(10_150);
    expect(produced.map((p) => [p.topic, p.message.key])).toEqual(Array(3).fill([Topics.webhookDeliveries, 'wh_1']));
    expect(sentJobs().map((job) => [job.delivery_id, job.attempt, job.event.id, job.replay_rate])).toEqual([
      ['msg_0', 4, 'evt_0', 20],
      ['msg_1', 4, 'evt_1', 20],
      ['msg_2', 4, 'evt_2', 20],
    ]);
    expect(await runner.step('rpl_1', () => 10_150)).toBeNull();
    expect(replays.replay).toMatchObject({ state: 'completed', sent: 3, position: 3 });
  });

  it('spaces sends from when each send started, not from when its step began', async () => {
    const replays = new FakeReplays(items(2));
    const { runner } = setup(replays);
    // The reads before the send took 30 ms.
    const times = [10_000, 10_030];
    expect(await runner.step('rpl_1', () => times.shift() ?? 10_030)).toBe(10_080);
    expect(replays.replay.nextSendAt).toEqual(new Date(10_080));
  });

  it('sends an email channel replay to the email deliveries topic', async () => {
    const { runner, produced } = setup(new FakeReplays(items(1, 0), { destinationKind: 'email', destinationId: 'ec_1' }));
    await runner.step('rpl_1', () => 0);
    expect(produced[0]).toMatchObject({ topic: Topics.emailDeliveries, message: { key: 'ec_1' } });
  });

  it('waits while its webhook is paused, sending nothing and skipping nothing, and goes on after the resume', async () => {
    const replays = new FakeReplays(items(2));
    const { runner, sentJobs } = setup(replays);
    await runner.step('rpl_1', () => 0);
    replays.destination = 'paused';
    expect(await runner.step('rpl_1', () => 100)).toBe(1100);
    expect(await runner.step('rpl_1', () => 1100)).toBe(2100);
    expect(replays.replay).toMatchObject({ state: 'waiting', reason: expect.stringContaining('paused'), position: 1 });
    replays.destination = 'active';
    await runner.step('rpl_1', () => 2100);
    expect(replays.replay).toMatchObject({ state: 'running', reason: null, position: 2 });
    expect(sentJobs().map((job) => job.delivery_id)).toEqual(['msg_0', 'msg_1']);
  });

  it('cancels itself when its destination is deleted', async () => {
    const replays = new FakeReplays(items(2));
    replays.destination = 'deleted';
    const { runner, produced } = setup(replays);
    expect(await runner.step('rpl_1', () => 0)).toBeNull();
    expect(replays.replay).toMatchObject({ state: 'cancelled', reason: 'webhook deleted' });
    expect(produced).toEqual([]);
  });

  it('passes over an item whose event has left the event log, and sends the next in the same step', async () => {
    const replays = new FakeReplays([{ deliveryId: 'msg_gone', event: null, attemptsMade: 1 }, ...items(1)]);
    const { runner, sentJobs } = setup(replays);
    await runner.step('rpl_1', () => 0);
    expect(sentJobs().map((job) => job.delivery_id)).toEqual(['msg_0']);
    expect(replays.replay).toMatchObject({ position: 2, sent: 1 });
  });

  it('sends the same item again, with the same delivery id, when the step failed after producing it', async () => {
    const replays = new FakeReplays(items(2));
    const { runner, sentJobs } = setup(replays);
    replays.failNextSent = true;
    await expect(runner.step('rpl_1', () => 0)).rejects.toThrow('connection terminated');
    expect(replays.replay.position).toBe(0);
    await runner.step('rpl_1', () => 1000);
    expect(sentJobs().map((job) => job.delivery_id)).toEqual(['msg_0', 'msg_0']);
  });

  it('leaves a replay another runner holds alone, and stops stepping one that has ended', async () => {
    const replays = new FakeReplays(items(1));
    const { runner, produced } = setup(replays);
    replays.locked = true;
    expect(await runner.step('rpl_1', () => 0)).toBe(1000);
    replays.locked = false;
    replays.replay.state = 'cancelled';
    expect(await runner.step('rpl_1', () => 0)).toBeNull();
    expect(produced).toEqual([]);
  });
});
