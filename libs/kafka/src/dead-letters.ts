import { Injectable } from '@nestjs/common';
import { DeadLetterMetrics, describeError } from '@herald/observability';
import type { InboundMessage, QuarantineFailure } from './consumer';
import { classifyFailure } from './failures';
import { KafkaProducer, type OutboundMessage } from './producer';
import { Headers, quarantineTopicFor, Topics } from './topology';

export type ParkingTopic = typeof Topics.eventsDlq | typeof Topics.dead | typeof Topics.deliveriesDlq;

/** Why a message was parked; a bounded set, so it can label a metric. */
export type ParkCause = 'rejected_event' | 'unreadable_event' | 'unreadable_job' | 'invalid_retry' | 'exhausted' | 'quarantined';

/** Header values stay small: an error message can quote the whole payload. */
const MAX_ERROR_CHARS = 2_000;

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

  /**
   * Quarantines a consumed message whose failure repeats: on its topic's dead-letter topic, key, value and
   * headers kept, with the reason, the error and its source position, so an operator can find, fix and replay
   * it. A message too large to park whole (the headers tip it over the broker's limit) is parked without its
   * value, which stays readable at its source position for the topic's retention.
   */
  async quarantine(message: InboundMessage, failure: QuarantineFailure): Promise<void> {
    const topic = quarantineTopicFor(message.topic);
    const headers = {
      ...message.headers,
      [Headers.sourceTopic]: message.topic,
      [Headers.sourcePartition]: String(message.partition),
      [Headers.sourceOffset]: message.offset,
      [Headers.error]: describeError(failure.error).message.slice(0, MAX_ERROR_CHARS),
      [Headers.attempts]: String(failure.attempts),
    };
    const value = message.value ?? '';
    try {
      await this.park(topic, 'quarantined', { key: message.key, value, headers }, failure.reason);
    } catch (error) {
      if (classifyFailure(error).kind !== 'repeating') throw error;
      await this.park(topic, 'quarantined', { key: message.key, value: '', headers: { ...headers, [Headers.valueOmitted]: String(value.length) } }, failure.reason);
    }
  }
}
