/* eslint-disable @typescript-eslint/no-require-imports -- each case loads modules in the order it is about */
import { randomBytes } from 'node:crypto';
import type { RecordInput } from './producer-internals';

// kafkajs's own byte-at-a-time CRC-32C, which the replacement must match (it is not itself replaced).
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as (buffer: Buffer) => number;

describe('kafkajs producer internals', () => {
  // Each case loads modules afresh: whether the replacement takes depends on what was loaded before it.
  beforeEach(() => jest.resetModules());

  it('puts its functions where kafkajs loads them from when it runs before kafkajs', () => {
    const internals = require('./producer-internals') as typeof import('./producer-internals');
    require('kafkajs');
    expect(require('kafkajs/src/producer/groupMessagesPerPartition')).toBe(internals.groupMessagesPerPartition);
    expect(require('kafkajs/src/protocol/recordBatch/crc32C')).toBe(internals.crc32C);
    expect(require('kafkajs/src/protocol/recordBatch/record/v0')).toBe(internals.encodeRecord);
  });

  it('says it is too late once kafkajs has bound its own', () => {
    require('kafkajs');
    const original = require('kafkajs/src/producer/groupMessagesPerPartition');
    const internals = require('./producer-internals') as typeof import('./producer-internals');
    expect(internals.replaceProducerInternals()).toBe('too late');
    expect(require('kafkajs/src/producer/groupMessagesPerPartition')).toBe(original);
  });

  it('computes the CRC-32C kafkajs computes, for empty, small and large buffers', () => {
    const { crc32C } = require('./producer-internals') as typeof import('./producer-internals');
    for (const size of [0, 1, 15, 16, 17, 300, 65_537]) {
      const buffer = randomBytes(size);
      expect(crc32C(buffer)).toBe(kafkajsCrc32C(buffer));
    }
    // The check value of CRC-32C (RFC 3720, appendix B.4): "123456789".
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('groups messages by partition, each partition keeping the order it was given', () => {
    const { groupMessagesPerPartition } = require('./producer-internals') as typeof import('./producer-internals');
    const messages = Array.from({ length: 10 }, (_, n) => ({ n }));
    const partitioner = ({ message }: { message: object }) => (message as { n: number }).n % 3;
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}, {}, {}], messages, partitioner })).toEqual({
      0: [{ n: 0 }, { n: 3 }, { n: 6 }, { n: 9 }],
      1: [{ n: 1 }, { n: 4 }, { n: 7 }],
      2: [{ n: 2 }, { n: 5 }, { n: 8 }],
    });
  });

  it("writes each record byte for byte as kafkajs's own encoder does", () => {
    const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (input: object) => { buffer: Buffer };
    const { encodeRecord } = require('./producer-internals') as typeof import('./producer-internals');
    const cases: RecordInput[] = [
      { offsetDelta: 0, timestampDelta: 0, key: 'org_1', value: '{"a":1}', headers: { 'herald-ordering-key': 'deploy-7' } },
      { offsetDelta: 999, timestampDelta: -5, key: null, value: null },
      { offsetDelta: 63, timestampDelta: 64, key: Buffer.from([0, 1, 2]), value: 'é😀 ünïcode', headers: { a: ['1', '2'], b: Buffer.from('x'), c: '' } },
      { offsetDelta: 8191, timestampDelta: 2 ** 40 + 3, value: 'x'.repeat(70_000), headers: {} },
      { timestampDelta: -(2 ** 35), key: '', value: '' },
      {},
    ];
    for (const input of cases) expect(encodeRecord(input).buffer).toEqual(kafkajsRecord(input).buffer);
  });

  it('groups nothing for a topic without metadata, as kafkajs does', () => {
    const { groupMessagesPerPartition } = require('./producer-internals') as typeof import('./producer-internals');
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: [{}], partitioner: () => 0 })).toEqual({});
  });
});
