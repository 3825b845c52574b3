import { Injectable, Logger } from '@nestjs/common';
import { acceptEvent, EventCatalog, InvalidEventError, parseEventJson, REJECTION_CATEGORIES, sourceEventId, type HeraldEvent } from '@herald/events';
import { DeadLetters, KafkaProducer, Topics, type InboundMessage, type QuarantineFailure, type Settling } from '@herald/kafka';
import { describeError, IntakeMetrics, startAtZero } from '@herald/observability';
import { EventLogRepository, OrgRepository } from '@herald/persistence';
import { eventAttributes, inSpan, SpanKind, withTraceContext, type TraceCarrier } from '@herald/tracing';
import { RoutingService } from '../routing/routing.service';
import { PublishOrder } from './publish-order';
import { asRepeatingFailure } from './repeating-failure';

const INTAKE_SOURCES = ['kafka', 'api'] as const;

/** An event on the accepted topic, its delivery jobs on theirs; `marked` resolves once the event log says so too. */
interface Accepted {
  event: HeraldEvent;
  marked: Promise<void>;
}

/**
 * The one path every event takes in, from Kafka or REST: validate, assign id, dedupe on the event log, match it
 * against the org's subscriptions, then publish it to the accepted topic and its delivery jobs to the deliveries
 * topics, in one produce request. Bad input raises InvalidEventError naming the field; so does a failure that would
 * repeat on every attempt (the database refusing a value).
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger('intake');
  private readonly order = new PublishOrder();

  constructor(
    private readonly catalog: EventCatalog,
    private readonly orgs: OrgRepository,
    private readonly eventLog: EventLogRepository,
    private readonly routing: RoutingService,
    private readonly producer: KafkaProducer,
    private readonly deadLetters: DeadLetters,
    private readonly metrics: IntakeMetrics,
  ) {
    startAtZero(metrics.ingested, { source: INTAKE_SOURCES });
    startAtZero(metrics.rejected, { source: INTAKE_SOURCES, reason: REJECTION_CATEGORIES });
  }

  /**
   * REST intake: an InvalidEventError becomes the caller's 422 (413 when too large). An id-less event gets a fresh id.
   * `headers`: the request's, whose `traceparent` the event's trace continues.
   */
  async publish(input: unknown, headers: TraceCarrier = {}): Promise<HeraldEvent> {
    const { event, marked } = await withTraceContext(headers, () => this.counted('api', () => this.accept(input, true)));
    // The caller may read the event back at once: its status says published when the answer does.
    await marked;
    return event;
  }

  /**
   * Events of one org reach the accepted and deliveries topics in the order they came in, though many are in flight.
   * `assignId` names an event that came without a producer id. `urgent`: the caller waits for the event log's mark.
   */
  private async accept(input: unknown, urgent: boolean, assignId?: () => string): Promise<Accepted> {
    const receivedAt = Date.now();
    const accepted = acceptEvent(input, this.catalog, new Date(receivedAt), assignId);
    const turn = this.order.take(accepted.org_id);
    try {
      if (!(await this.orgs.exists(accepted.org_id))) throw new InvalidEventError('org_id', `unknown org '${accepted.org_id}'`, 'unknown_org');
      const { event, published, subscriptionsVersion } = await this.eventLog.recordOnce(accepted);
      if (published) return { event, marked: Promise.resolve() };
      // The jobs are produced in the routing span: each delivery's trace continues from it.
      await inSpan('route event', SpanKind.INTERNAL, () => eventAttributes(event), async (span) => {
        const deliveries = await this.routing.route(event, { receivedAt, recordedVersion: subscriptionsVersion });
        span.setAttribute('herald.destinations', deliveries.reduce((n, batch) => n + batch.messages.length, 0));
        await turn.ready;
        const sent = this.producer.sendBatch([{ topic: Topics.accepted, messages: [{ key: event.org_id, value: JSON.stringify(event) }] }, ...deliveries]);
        turn.release();
        await sent;
      });
      return { event, marked: this.eventLog.markPublished(event, urgent) };
    } finally {
      turn.release();
    }
  }

  /**
   * Kafka intake: anything that is not a valid event goes to the DLQ with the reason, and the
   * offset moves on. An id-less event's id is derived from the message's position, so reading
   * the message again (a crash before the commit) gives the same id, and the same webhook-id. Once the event is
   * published the next one may start; the offset waits for the event log's mark (written in batches).
   */
  async ingestMessage(message: InboundMessage): Promise<Settling | void> {
    try {
      const { marked } = await this.counted('kafka', async () => this.accept(parseEventJson(message.value), false, () => sourceEventId(message)));
      return { durable: marked };
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      this.logger.warn({ msg: 'event rejected', reason: error.message, topic: message.topic, partition: message.partition, offset: message.offset });
      await this.deadLetters.parkInbound(Topics.eventsDlq, 'rejected_event', message, error.message);
    }
  }

  /**
   * A Kafka event whose publishing fails every time (its jobs are over the broker's message size) is being quarantined:
   * each delivery it should have made ends `failed` with the reason. Its id is the one intake gave it.
   */
  async quarantined(message: InboundMessage, failure: QuarantineFailure): Promise<void> {
    let event: HeraldEvent;
    try {
      ({ event } = await this.eventLog.recordOnce(acceptEvent(parseEventJson(message.value), this.catalog, new Date(), () => sourceEventId(message))));
    } catch {
      return; // not an event, or not one the event log can hold: nothing was routed for it
    }
    await this.routing.fail(event, `not published, quarantined (${failure.reason}): ${describeError(failure.error).message}`);
  }

  /** Runs one intake in its span (what it publishes continues the trace) and counts it. */
  private async counted(source: (typeof INTAKE_SOURCES)[number], intake: () => Promise<Accepted>): Promise<Accepted> {
    try {
      const accepted = await inSpan('ingest event', source === 'kafka' ? SpanKind.CONSUMER : SpanKind.SERVER, () => ({ 'herald.intake.source': source }), async (span) => {
        const result = await intake();
        span.setAttributes(eventAttributes(result.event));
        return result;
      });
      this.metrics.ingested.inc({ source });
      return accepted;
    } catch (error) {
      const rejection = error instanceof InvalidEventError ? error : asRepeatingFailure(error);
      if (!rejection) throw error;
      this.metrics.rejected.inc({ source, reason: rejection.category });
      throw rejection;
    }
  }
}
