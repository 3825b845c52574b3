import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Admin, Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { sampledGauge, type HealthRegistry } from '@herald/observability';
import { withTraceContext } from '@herald/tracing';
import { consumerLag, groupsLag } from './consumer-lag';
import { ConsumerRunner, type ConsumerOptions, type HandlerResult, type InboundMessage, type MessageHandler } from './consumer';

export type TransportOptions = Omit<ConsumerOptions, 'topics' | 'handler'>;

/**
 * A Nest microservice transport over ConsumerRunner, so the consumer group starts after the app and stops before it:
 * it feeds each message to its topic's handler (registered with ConsumerHooks.consume), awaiting it before the message
 * counts as done. Nest's own Kafka transport acknowledges event handlers without waiting, which would break
 * at-least-once.
 */
export class KafkaTransport extends Server implements CustomTransportStrategy {
  private runner?: ConsumerRunner;
  /** Connected on the first scrape: only for reading the group's committed offsets. */
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly handlers: ReadonlyMap<string, MessageHandler>,
    private readonly options: TransportOptions,
    private readonly health: HealthRegistry,
    private readonly registry: Registry,
  ) {
    super();
  }

  async listen(callback: () => void): Promise<void> {
    const topics = [...this.handlers.keys()];
    // Each message is handled, or spilled, in the trace its headers name: what it leads to joins that trace.
    const overflow = this.options.overflow;
    this.runner = new ConsumerRunner(this.kafka, {
      ...this.options,
      topics,
      handler: (message) => withTraceContext(message.headers, () => this.dispatch(message)),
      overflow: overflow && { ...overflow, spill: (message) => withTraceContext(message.headers, () => overflow.spill(message)) },
    });
    this.health.register(`consumer:${this.options.groupId}`, () => this.runner!.health());
    this.reportLag(topics);
    await this.runner.start();
    callback();
  }

  async close(): Promise<void> {
    await this.runner?.stop();
    await (await this.admin?.catch(() => undefined))?.disconnect();
  }

  /**
   * The lag of every Herald group (those sharing this one's prefix), not only this service's own: a group whose
   * replicas are all down keeps showing its growing lag. Every replica of every service reports the same figure
   * for a group; dashboards take the max per group.
   */
  private reportLag(topics: string[]): void {
    const own = this.options.groupId;
    const prefix = own.slice(0, own.lastIndexOf('.') + 1);
    sampledGauge(this.registry, 'herald_kafka_consumer_lag_messages', "Messages each of Herald's consumer groups has yet to process, per topic.", ['group', 'topic'], async () => {
      const admin = await this.adminClient();
      // Its own group on all its topics, also those it has not committed to yet; the others where they have.
      const [mine, others] = await Promise.all([consumerLag(admin, own, topics), groupsLag(admin, prefix, own)]);
      return [...mine.map((lag) => ({ group: own, ...lag })), ...others].map(({ group, topic, lag }) => ({ labels: { group, topic }, value: lag }));
    });
  }

  private adminClient(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = undefined; // try again at the next scrape
      throw error;
    });
    return this.admin;
  }

  on(): void {
    // kafkajs instrumentation is consumed inside ConsumerRunner.
  }

  unwrap<T>(): T {
    return this.runner as T;
  }

  private dispatch(message: InboundMessage): Promise<HandlerResult> {
    const handler = this.handlers.get(message.topic);
    if (!handler) throw new Error(`no handler for topic ${message.topic}`);
    return handler(message);
  }
}
