import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';

export interface OutboundMessage {
  key: string | null;
  value: string | Buffer;
  headers?: IHeaders;
}

/**
 * The one way Herald services write to Kafka: idempotent, acks from all in-sync replicas,
 * so a resolved send is durable and an offset may be committed behind it.
 */
export class KafkaProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    // Idempotence needs unbounded retries; a send that cannot complete stalls its handler, and
    // liveness (stall timeout) reports it, rather than the message being dropped.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 30_000 },
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.connected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  async send(topic: string, messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic, acks: -1, messages });
  }

  /** Several topics in one request, e.g. a fan-out to webhook and email deliveries. */
  async sendBatch(batches: { topic: string; messages: OutboundMessage[] }[]): Promise<void> {
    const topicMessages = batches.filter((b) => b.messages.length > 0);
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ acks: -1, topicMessages });
  }
}
