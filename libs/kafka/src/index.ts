export { createKafka, kafkaConnection, type KafkaConnectionConfig } from './client';
export { ConsumerRunner, defer, settling, type ConsumerHealth, type ConsumerOptions, type Deferral, type HandlerResult, type InboundMessage, type MessageHandler, type OverflowOptions, type QuarantineFailure, type Settling } from './consumer';
export { ConsumerHooks } from './consumer-hooks';
export { PoisonMessage } from './failures';
export { DeadLetters, type ParkCause, type ParkingTopic } from './dead-letters';
export { KAFKA, KafkaModule, kafkaTransport, RETRY_TIERS } from './kafka.module';
export { KafkaProducer, type OutboundMessage } from './producer';
export { ensureTopics, Headers, quarantineTopicFor, parseDuration, retryTiers, tierFor, topicConfigs, Topics, type RetryTier, type TopologyOptions } from './topology';
export { KafkaTransport } from './transport';
