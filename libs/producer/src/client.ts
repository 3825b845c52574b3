import { Kafka, type Producer } from 'kafkajs';
import { EventInputSchema, InvalidEventError, type EventInput } from '@herald/events';
import { HeraldPartitioner, Topics } from '@herald/kafka';

export interface HeraldClientOptions {
  /** Broker list, e.g. ['kafka:9092']; or pass your own kafkajs instance as `kafka`. */
  brokers?: string[];
  kafka?: Kafka;
  clientId?: string;
}

/**
 * For services that emit events to Herald: checks each event against the envelope schema
 * before it leaves the process, keys it by org, and waits for all in-sync replicas.
 */
export class HeraldClient {
  private readonly producer: Producer;

  constructor({ brokers, kafka, clientId = 'herald-client' }: HeraldClientOptions) {
    if (!kafka && !brokers?.length) throw new Error('HeraldClient needs brokers or a kafka instance');
    this.producer = (kafka ?? new Kafka({ clientId, brokers: brokers! })).producer({ idempotent: true, createPartitioner: HeraldPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Publishes events to herald.events.v1; throws InvalidEventError naming the field before sending anything. */
  async publish(events: EventInput | EventInput[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    const messages = list.map((event) => {
      const parsed = EventInputSchema.safeParse(event);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidEventError(issue.path.join('.'), issue.message);
      }
      return { key: parsed.data.org_id, value: JSON.stringify(parsed.data) };
    });
    await this.producer.send({ topic: Topics.events, acks: -1, messages });
  }
}
