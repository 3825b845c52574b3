import { Injectable } from '@nestjs/common';
import { DeadLetterMetrics } from '@herald/observability';
import type { InboundMessage } from './consumer';
import { KafkaProducer, type OutboundMessage } from './producer';
import { Headers, Topics } from './topology';

export type ParkingTopic = typeof Topics.eventsDlq | typeof Topics.dead;

/** Why a message was parked; a bounded set, so it can label a metric. */
export type ParkCause = 'rejected_event' | 'unreadable_event' | 'unreadable_job' | 'invalid_retry' | 'exhausted';

/**
 * Where messages that cannot go on wait for an operator: the events DLQ (bad events) and the
 * deliveries dead-letter topic (exhausted or unreadable jobs). The free-text reason travels in
 * the `herald-reason` header; the metric counts the cause.
 */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly producer: KafkaProducer,
    private readonly metrics: DeadLetterMetrics,
  ) {}

  async park(topic: ParkingTopic, cause: ParkCause, message: OutboundMessage, reason: string): Promise<void> {
    await this.producer.send(topic, [{ ...message, headers: { ...message.headers, [Headers.reason]: reason } }]);
    this.metrics.parked.inc({ topic, cause });
  }

  /** Parks a consumed message as it came, headers kept, noting the topic it came from. */
  parkInbound(topic: ParkingTopic, cause: ParkCause, message: InboundMessage, reason: string): Promise<void> {
    return this.park(topic, cause, { key: message.key, value: message.value ?? '', headers: { ...message.headers, [Headers.sourceTopic]: message.topic } }, reason);
  }
}
