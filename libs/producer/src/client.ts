// Before kafkajs: @herald/kafka replaces two of kafkajs's producer internals as kafkajs loads (producer-internals.ts).
import { KafkaProducer, Topics } from '@herald/kafka';
import { Kafka } from 'kafkajs';
import { checkEventSize, checkValues, EventInputSchema, InvalidEventError, type EventInput } from '@herald/events';

export interface HeraldClientOptions {
  /** Broker list, e.g. ['kafka:9092']; or pass your own kafkajs instance as `kafka`. */
  brokers?: string[];
  kafka?: Kafka;
  clientId?: string;
}

/**
 * For services that emit events to Herald: checks each event against the envelope schema and ingest's limits before it
 * leaves the process, keys it by org, and waits for all in-sync replicas. It sends through Herald's own KafkaProducer:
 * one request in flight (overlapping idempotent requests break kafkajs's sequence numbers) and a fresh producer id
 * after a refused request, so one bad publish never stalls the next. Like every idempotent kafkajs producer it retries
 * without end, so a publish waits out a broker outage.
 */
export class HeraldClient {
  private readonly producer: KafkaProducer;

  constructor({ brokers, kafka, clientId = 'herald-client' }: HeraldClientOptions) {
    if (!kafka && !brokers?.length) throw new Error('HeraldClient needs brokers or a kafka instance');
    this.producer = new KafkaProducer(kafka ?? new Kafka({ clientId, brokers: brokers! }));
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * Publishes events to herald.events.v1; throws InvalidEventError naming the field before sending anything: the
   * envelope's schema, and what ingest would refuse whatever the schema says (NUL characters, lone surrogates, numbers
   * JSON cannot carry, an event over its size limit).
   */
  async publish(events: EventInput | EventInput[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    const messages = list.map((event) => {
      checkValues(event);
      const parsed = EventInputSchema.safeParse(event);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InvalidEventError(issue.path.join('.'), issue.message);
      }
      const value = JSON.stringify(parsed.data);
      checkEventSize(value);
      return { key: parsed.data.org_id, value };
    });
    await this.producer.send(Topics.events, messages);
  }
}
