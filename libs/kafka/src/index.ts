// First: it replaces two kafkajs internals, which must happen before kafkajs loads (producer-internals.ts).
import './producer-internals';
export { createKafka, kafkaConnection, type KafkaConnectionConfig } from './client';
export { ConsumerRunner, defer, settling, type ConsumerHealth, type ConsumerOptions, type Deferral, type HandlerResult, type InboundMessage, type MessageHandler, type OverflowOptions, type PlaceMessage, type QuarantineFailure, type Settling } from './consumer';
export { ConsumerHooks } from './consumer-hooks';
export { type Placement } from './lanes';
export { PoisonMessage } from './failures';
export { readDeadLetters, replayDeadLetter, type DeadLetter } from './dead-letter-replay';
export { DeadLetters, type ParkCause, type ParkingTopic } from './dead-letters';
export { connectConsumer, KAFKA, KafkaModule, RETRY_TIERS } from './kafka.module';
export { HeraldPartitioner } from './partitioner';
export { KafkaProducer, type OutboundMessage } from './producer';
export { ensureTopics, Headers, quarantineTopicFor, parseDuration, retryTiers, tierFor, topicConfigs, Topics, type RetryTier, type TopologyOptions } from './topology';
export { KafkaTransport } from './transport';
