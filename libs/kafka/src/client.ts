import './producer-internals';
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { HeraldConfig } from '@herald/config';
import { patchRequestQueue } from './request-queue';

/**
 * kafkajs logs at ERROR whatever went wrong before it decides to retry it: "The coordinator is loading", "Crash:
 * … Restarting the consumer", a broker connection refused. It retries all of those, and what it gives up on
 * reaches Herald as an error or a crash event, which Herald's own code logs at ERROR with its cause. So its
 * ERROR lines are warnings here, and a normal start or a broker restart logs no error.
 */
const LEVELS: Record<number, 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'warn',
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

export type KafkaConnectionConfig = Pick<
  HeraldConfig,
  'KAFKA_SSL' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SSL_CERT_FILE' | 'KAFKA_SSL_KEY_FILE' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'
>;

/**
 * TLS and SASL settings for kafkajs from the KAFKA_SSL* and KAFKA_SASL* variables. Settings that only make
 * sense together are checked here, so a half-configured connection fails at start naming the variable
 * instead of as an authentication error from the broker.
 */
export function kafkaConnection(config: KafkaConnectionConfig, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const files = { KAFKA_SSL_CA_FILE: config.KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE: config.KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: config.KAFKA_SSL_KEY_FILE };
  const set = Object.entries(files).filter(([, path]) => path).map(([name]) => name);
  if (!config.KAFKA_SSL && set.length) throw new Error(`Invalid configuration: ${set.join(', ')} need KAFKA_SSL=true`);
  if (!config.KAFKA_SSL_CERT_FILE !== !config.KAFKA_SSL_KEY_FILE) throw new Error('Invalid configuration: KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together');
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  if (!mechanism && (username || password)) throw new Error('Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM');
  if (mechanism && !(username && password)) throw new Error(`Invalid configuration: KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);

  const read = (name: keyof typeof files) => {
    const path = files[name];
    if (!path) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      throw new Error(`Invalid configuration: ${name}: cannot read ${path}: ${(error as Error).message}`);
    }
  };
  const tls = { ca: read('KAFKA_SSL_CA_FILE'), cert: read('KAFKA_SSL_CERT_FILE'), key: read('KAFKA_SSL_KEY_FILE') };
  return {
    ssl: config.KAFKA_SSL ? (set.length ? tls : true) : undefined,
    sasl: mechanism ? ({ mechanism, username, password } as SASLOptions) : undefined,
  };
}

export function createKafka(config: Pick<HeraldConfig, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'> & KafkaConnectionConfig, service: string): Kafka {
  patchRequestQueue();
  return new Kafka({
    clientId: `${config.KAFKA_CLIENT_ID}-${service}`,
    brokers: config.KAFKA_BROKERS,
    ...kafkaConnection(config),
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 200, retries: 10 },
  });
}
