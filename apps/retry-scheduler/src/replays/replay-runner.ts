import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { deliveriesTopic, jobMessage, type DeliveryJob } from '@herald/deliveries';
import { KafkaProducer } from '@herald/kafka';
import { RetryMetrics } from '@herald/observability';
import { ReplayRepository, type ReplayStep } from '@herald/persistence';
import { decideStep, nextSendAt, stateChanges } from './pacing';

/** When to step the replay again (epoch ms), or null: it ended, or is not this runner's to step. */
export type NextStep = number | null;

/**
 * Runs replays: each active replay is stepped by one loop here, one item per step, at its cap. A step holds the
 * replay's row lock while it sends (so replicas take turns, and a cancel waits for it to commit), produces the job
 * with acks=all, then moves the durable cursor in the same transaction. A crash between the two sends that item
 * again after the restart: the same delivery id, never a skipped one.
 */
@Injectable()
export class ReplayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('replays');
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private poller: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pollMs: number;

  constructor(
    private readonly replays: ReplayRepository,
    private readonly producer: KafkaProducer,
    private readonly metrics: RetryMetrics,
    @Inject(HERALD_CONFIG) config: HeraldConfig,
  ) {
    this.pollMs = config.HERALD_REPLAY_POLL_MS;
  }

  onApplicationBootstrap(): void {
    const poll = () => {
      void this.startActive().finally(() => {
        if (!this.stopped) this.poller = setTimeout(poll, this.pollMs);
      });
    };
    poll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.poller);
    for (const { timer, wake } of this.timers) {
      clearTimeout(timer);
      wake();
    }
    await Promise.all(this.running.values());
  }

  /** Starts a loop for each active replay that has none here. */
  async startActive(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.replays.activeIds();
    } catch (error) {
      this.logger.warn({ msg: 'could not list replays', error: (error as Error).message });
      return;
    }
    for (const id of ids) {
      if (this.running.has(id) || this.stopped) continue;
      this.running.set(id, this.drive(id).finally(() => this.running.delete(id)));
    }
  }

  private async drive(id: string): Promise<void> {
    while (!this.stopped) {
      let next: NextStep;
      try {
        next = await this.step(id);
      } catch (error) {
        // The broker or the database is away: nothing moved, the same item goes when they are back.
        this.logger.warn({ msg: 'replay step failed', replayId: id, error: (error as Error).message });
        next = Date.now() + this.pollMs;
      }
      if (next === null) return;
      await this.sleep(next - Date.now());
    }
  }

  /** One step of the replay: send its next item when the cap allows, or wait, finish, or give up on it. */
  async step(id: string, clock: () => number = Date.now): Promise<NextStep> {
    const result = await this.replays.step(id, (step) => this.advance(step, clock));
    if (result === 'inactive') return null;
    return result === 'busy' ? clock() + this.pollMs : result;
  }

  private async advance(step: ReplayStep, clock: () => number): Promise<NextStep> {
    const { replay } = step;
    const now = clock();
    const decision = decideStep(replay, await step.destination(), now);
    switch (decision.kind) {
      case 'cancel':
        await step.setState('cancelled', decision.reason);
        this.logger.log({ msg: 'replay cancelled', replayId: replay.id, reason: decision.reason });
        return null;
      case 'wait':
        if (stateChanges(replay, { state: 'waiting', reason: decision.reason })) await step.setState('waiting', decision.reason);
        return now + this.pollMs;
      case 'later':
        return decision.at;
      case 'send':
        break;
    }
    for (;;) {
      const item = await step.nextItem();
      if (!item) {
        await step.setState('completed', null);
        this.logger.log({ msg: 'replay completed', replayId: replay.id, sent: replay.sent });
        return null;
      }
      if (!item.event) {
        // Its event left the event log (retention) after the replay was created: nothing to send.
        await step.skipped(item);
        continue;
      }
      const job: DeliveryJob = {
        delivery_id: item.deliveryId,
        attempt: item.attemptsMade + 1,
        destination: { kind: replay.destinationKind, id: replay.destinationId },
        event: item.event,
        // The sender spaces the sends themselves by the cap too: Kafka may hand it several of these at once.
        replay_rate: replay.rate,
      };
      // Spaced from when this send starts (after the reads above), so sends start at least 1000 / rate ms apart.
      const next = nextSendAt(clock(), replay.rate);
      await this.producer.send(deliveriesTopic(job.destination.kind), [jobMessage(job)]);
      await step.sent(item, new Date(next));
      this.metrics.replayed.inc({ channel: job.destination.kind });
      return next;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => (this.timers.delete(entry), resolve()), Math.max(0, ms)), wake: resolve };
      this.timers.add(entry);
    });
  }
}
