import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '@herald/config';
import { selfSignedCertificate } from '@herald/testing';
import { createKafka, kafkaConnection, type KafkaConnectionConfig } from './client';
import { KafkaProducer } from './producer';

const none: KafkaConnectionConfig = { KAFKA_SSL: false };
const files: Record<string, string> = { '/ca.pem': 'CA', '/cert.pem': 'CERT', '/key.pem': 'KEY' };
const readFile = (file: string) => {
  if (!(file in files)) throw new Error('ENOENT: no such file');
  return files[file];
};

describe('kafkaConnection', () => {
  it('is plaintext without authentication unless asked', () => {
    expect(kafkaConnection(none, readFile)).toEqual({ ssl: undefined, sasl: undefined });
  });

  it('uses the system CAs for TLS unless given a CA, and a client certificate for mutual TLS', () => {
    expect(kafkaConnection({ KAFKA_SSL: true }, readFile).ssl).toBe(true);
    expect(kafkaConnection({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/ca.pem' }, readFile).ssl).toEqual({ ca: 'CA', cert: undefined, key: undefined });
    const mtls = { KAFKA_SSL: true, KAFKA_SSL_CERT_FILE: '/cert.pem', KAFKA_SSL_KEY_FILE: '/key.pem' };
    expect(kafkaConnection(mtls, readFile).ssl).toEqual({ ca: undefined, cert: 'CERT', key: 'KEY' });
  });

  it('passes SASL credentials for the chosen mechanism', () => {
    const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'herald', KAFKA_SASL_PASSWORD: 's3cret' } as const;
    expect(kafkaConnection({ ...none, ...sasl }, readFile).sasl).toEqual({ mechanism: 'scram-sha-512', username: 'herald', password: 's3cret' });
  });

  it.each<[string, KafkaConnectionConfig, RegExp]>([
    ['a CA without TLS', { KAFKA_SSL: false, KAFKA_SSL_CA_FILE: '/ca.pem' }, /KAFKA_SSL_CA_FILE need KAFKA_SSL=true/],
    ['a certificate without its key', { KAFKA_SSL: true, KAFKA_SSL_CERT_FILE: '/cert.pem' }, /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/],
    ['a mechanism without a password', { KAFKA_SSL: true, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'herald' }, /KAFKA_SASL_MECHANISM=plain needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/],
    ['credentials without a mechanism', { KAFKA_SSL: true, KAFKA_SASL_USERNAME: 'herald', KAFKA_SASL_PASSWORD: 'x' }, /need KAFKA_SASL_MECHANISM/],
    ['a CA file that cannot be read', { KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/missing.pem' }, /KAFKA_SSL_CA_FILE: cannot read \/missing.pem/],
  ])('refuses %s, naming the variables', (_, config, message) => {
    expect(() => kafkaConnection(config, readFile)).toThrow(message);
  });

  it('reads the variables from the environment', () => {
    const config = loadConfig({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' });
    expect(kafkaConnection(config, readFile)).toEqual({ ssl: true, sasl: { mechanism: 'scram-sha-256', username: 'u', password: 'p' } });
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});

// A broker of its own, with listeners like a production cluster's: SASL over TLS, and TLS that requires a client
// certificate. The shared test broker stays plaintext.
describe('createKafka against a broker that requires TLS and authentication', () => {
  const port = Number(process.env.HERALD_TEST_KAFKA_PORT ?? 19092) + 100;
  const ports = { saslPort: port + 2, mtlsPort: port + 3 };
  const user = { username: 'herald', password: 'herald-kafka-secret' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'herald-kafka-tls-'));
  const pem = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const server = selfSignedCertificate();
  const client = selfSignedCertificate();
  const caFile = pem('ca.pem', server.cert);
  let broker: { stop(): Promise<unknown> };

  beforeAll(async () => {
    const { startKafka } = (await import(pathToFileURL(path.resolve(__dirname, '../../../tools/kafka/kafka.mjs')).href)) as {
      startKafka(options: object): Promise<{ stop(): Promise<unknown> }>;
    };
    broker = await startKafka({ port, dataDir: path.join(dir, 'broker'), fresh: true, heapMb: 384, secure: { certificate: server, users: [user], clientCertificates: client.cert, ...ports } });
  }, 120_000);

  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = (listenerPort: number, settings: Partial<KafkaConnectionConfig>) =>
    createKafka({ KAFKA_BROKERS: [`127.0.0.1:${listenerPort}`], KAFKA_CLIENT_ID: 'herald', KAFKA_SSL: true, ...settings }, 'tls-spec');

  /** Creates a topic, produces to it and reads its end offset back: every kind of request a service makes. */
  async function roundTrip(kafka: Kafka, topic: string): Promise<string> {
    const admin = kafka.admin();
    const producer = new KafkaProducer(kafka);
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send(topic, [{ key: 'k', value: 'hello' }]);
      const [partition] = await admin.fetchTopicOffsets(topic);
      return partition.high;
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }

  /** Why a connection with these settings fails (no retries: the services' ten would only slow this down). */
  async function refusal(listenerPort: number, settings: Partial<KafkaConnectionConfig>): Promise<string> {
    const options = kafkaConnection({ KAFKA_SSL: true, ...settings });
    const admin = new Kafka({ brokers: [`127.0.0.1:${listenerPort}`], ...options, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return 'connected';
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      return `${(error as Error).message} ${cause?.message ?? ''}`;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('authenticates with SASL %s over TLS verified against the given CA', async (mechanism) => {
    const kafka = connect(ports.saslPort, { KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: user.username, KAFKA_SASL_PASSWORD: user.password });
    expect(await roundTrip(kafka, `tls-spec-${mechanism}`)).toBe('1');
  }, 60_000);

  it('authenticates with a client certificate (mutual TLS)', async () => {
    const kafka = connect(ports.mtlsPort, { KAFKA_SSL_CA_FILE: caFile, KAFKA_SSL_CERT_FILE: pem('client.pem', client.cert), KAFKA_SSL_KEY_FILE: pem('client-key.pem', client.key) });
    expect(await roundTrip(kafka, 'tls-spec-mtls')).toBe('1');
  }, 60_000);

  it('is refused with a wrong password, without a client certificate, or when the broker\'s certificate is not trusted', async () => {
    const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: user.username } as const;
    expect(await refusal(ports.saslPort, { KAFKA_SSL_CA_FILE: caFile, ...sasl, KAFKA_SASL_PASSWORD: 'wrong' })).toMatch(/authentication failed/i);
    expect(await refusal(ports.mtlsPort, { KAFKA_SSL_CA_FILE: caFile })).not.toBe('connected');
    expect(await refusal(ports.saslPort, { ...sasl, KAFKA_SASL_PASSWORD: user.password })).toMatch(/self[- ]signed certificate/i);
  }, 60_000);
});
