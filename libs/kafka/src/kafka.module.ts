import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit, type INestApplication, type INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { NestMicroservice } from '@nestjs/microservices';
import { Registry } from 'prom-client';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { DeadLetterMetrics, HealthRegistry } from '@herald/observability';
import { BrokerProbe } from './broker-probe';
import { ConsumerHooks, quarantineThrough } from './consumer-hooks';
import { DeadLetters } from './dead-letters';
import { createKafka } from './client';
import { KafkaProducer } from './producer';
import { ensureTopics, retryTiers, type RetryTier } from './topology';
import { KafkaTransport, type TransportOptions } from './transport';

export const KAFKA = Symbol('KAFKA');
export const RETRY_TIERS = Symbol('RETRY_TIERS');

/**
 * Creates the topology and connects the producer before any consumer starts; disconnects last. Readiness
 * includes whether the broker answers now (BrokerProbe), so it fails during a broker outage and recovers alone.
 */
@Injectable()
class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('kafka');
  private readonly broker: BrokerProbe;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
    @Inject(RETRY_TIERS) private readonly tiers: RetryTier[],
    private readonly producer: KafkaProducer,
    health: HealthRegistry,
  ) {
    this.broker = new BrokerProbe(kafka);
    health.register('kafka-producer', () => ({ ready: producer.isConnected, live: true }));
    health.register('kafka-broker', () => ({ ready: this.broker.reachable, live: true }));
  }

  async onModuleInit(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const created = await ensureTopics(admin, {
        partitions: this.config.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: this.config.KAFKA_REPLICATION_FACTOR,
        tiers: this.tiers,
      });
      if (created.length) this.logger.log({ msg: 'created topics', topics: created });
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
    this.broker.start();
  }

  // Runs after Nest has closed the consumers (microservices), so their last produces still go out.
  async onApplicationShutdown(): Promise<void> {
    await this.broker.stop();
    await this.producer.disconnect();
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forService(service: string): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA, inject: [HERALD_CONFIG], useFactory: (config: HeraldConfig) => createKafka(config, service) },
        { provide: RETRY_TIERS, inject: [HERALD_CONFIG], useFactory: (config: HeraldConfig) => retryTiers(config.HERALD_RETRY_TIERS) },
        { provide: KafkaProducer, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaProducer(kafka) },
        DeadLetterMetrics,
        DeadLetters,
        ConsumerHooks,
        KafkaLifecycle,
      ],
      exports: [KAFKA, RETRY_TIERS, KafkaProducer, DeadLetters, ConsumerHooks],
    };
  }
}

/** What a service chooses about its consumer; the rest comes from config and the app's providers. */
type ServiceConsumerOptions = Omit<TransportOptions, 'groupId' | 'stallTimeoutMs' | 'fetchLingerMs' | 'quarantine' | 'overflow' | 'place'>;

/** Consumes the topics the app's providers handle (ConsumerHooks.consume) as the consumer group `<prefix>.<service>`. */
export function connectConsumer(app: INestApplication, config: HeraldConfig, service: string, options: ServiceConsumerOptions = {}): void {
  // The app's lifecycle hooks have run: not again for the consumer, which Nest only starts and stops.
  const consumer = app.connectMicroservice({ strategy: kafkaTransport(app, config, service, options) }, { deferInitialization: true }) as NestMicroservice;
  consumer.setIsInitialized(true);
  consumer.setIsInitHookCalled(true);
}

/**
 * The consumer-group transport for a service; group id is `<prefix>.<service>`. Messages whose failures repeat
 * go through the service's quarantine hook (if any) to their dead-letter topic.
 */
function kafkaTransport(
  app: Pick<INestApplicationContext, 'get'>,
  config: HeraldConfig,
  service: string,
  options: ServiceConsumerOptions = {},
): KafkaTransport {
  const hooks = app.get(ConsumerHooks);
  const quarantine = quarantineThrough(hooks, app.get(DeadLetters), new Logger(`consumer:${service}`));
  return new KafkaTransport(
    app.get<Kafka>(KAFKA),
    hooks.handlers,
    { ...options, groupId: `${config.KAFKA_GROUP_PREFIX}.${service}`, stallTimeoutMs: config.HERALD_STALL_TIMEOUT_MS, fetchLingerMs: config.HERALD_FETCH_LINGER, quarantine, overflow: hooks.overflow, place: hooks.place },
    app.get(HealthRegistry),
    app.get(Registry),
  );
}
