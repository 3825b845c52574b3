import { randomBytes, randomInt } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { HeraldPartitioner, murmur2 } from './partitioner';

// kafkajs publishes no types for its internals: its own murmur2, the reference this one must equal.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;

const partitions = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: leaderless.includes(partitionId) ? -1 : 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

describe('murmur2', () => {
  it("equals kafkajs's for every length and byte value", () => {
    for (let length = 0; length < 40; length++) {
      for (let i = 0; i < 50; i++) {
        const bytes = randomBytes(length);
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(bytes));
      }
    }
  });

  it("equals kafkajs's for string keys, ASCII and not", () => {
    for (const key of ['', 'a', 'org_1', 'wh_01JABCDEF0123456789', 'dep_ünïcödé', '部署-42', '😀 emoji key', 'x'.repeat(257)]) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('matches values the Java client computes', () => {
    // From Apache Kafka's UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from([97, 98, 99]))).toBe(479470107);
  });
});

describe('HeraldPartitioner', () => {
  it("places keyed messages where kafkajs's DefaultPartitioner does", () => {
    const ours = HeraldPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (const count of [1, 6, 12, 50]) {
      const partitionMetadata = partitions(count);
      for (let i = 0; i < 200; i++) {
        const message = { key: randomBytes(randomInt(1, 30)).toString('base64url'), value: '' };
        expect(ours({ topic: 't', partitionMetadata, message })).toBe(theirs({ topic: 't', partitionMetadata, message }));
      }
    }
  });

  it("keeps a message's own partition", () => {
    expect(HeraldPartitioner()({ topic: 't', partitionMetadata: partitions(6), message: { key: 'k', value: '', partition: 4 } })).toBe(4);
  });

  it('spreads unkeyed messages round robin over the partitions that have a leader', () => {
    const place = HeraldPartitioner();
    const partitionMetadata = partitions(4, [2]);
    const placed = Array.from({ length: 6 }, () => place({ topic: 't', partitionMetadata, message: { key: null, value: '' } }));
    expect(new Set(placed)).toEqual(new Set([0, 1, 3]));
    expect(placed.slice(3)).toEqual(placed.slice(0, 3));
  });
});
