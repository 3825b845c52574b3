import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { HeraldConfig } from '@herald/config';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through Nest's logger, so they share format and level settings. */
function logCreator() {
  const logger = new Logger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    logger[LEVELS[level] ?? 'log']({ msg: message, ...extra });
  };
}

export function createKafka(config: Pick<HeraldConfig, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>, service: string): Kafka {
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}-${service}`,
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 200, retries: 10 },
  });
}
