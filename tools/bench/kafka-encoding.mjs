// How long kafkajs takes to encode one produce request of delivery jobs, with its own producer internals and with the
// ones Herald puts in their place (libs/kafka/src/producer-internals.ts: grouping, CRC-32C, records). Each variant in a
// process of its own, since the replacement has to happen before kafkajs loads; three rounds each, alternating. No
// broker: the request is encoded, not sent. Not a test.
//
//   node tools/bench/kafka-encoding.mjs      (BENCH_RECORDS per request, default 1,280: 64 events × 20 endpoints)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildHerald, formatRows, median, require, root } from './common.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1280);
const REQUESTS = 100;
const variant = process.argv[2];

if (variant) {
  if (variant === 'herald') require(`${root}/dist/libs/kafka/src/producer-internals.js`);
  const request = require('kafkajs/src/protocol/requests/produce/v3/request');
  const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition');
  // A job as ingest writes it for the bench's events: ~280 bytes, keyed by its webhook, its ordering key in a header.
  const job = JSON.stringify({
    delivery_id: `msg_${'a'.repeat(27)}`,
    attempt: 1,
    destination: { kind: 'webhook', id: 'wh_bench_1' },
    event: { id: 'evt_bench_1', type: 'deploy.failed', org_id: 'org_bench', data: { sent_at: Date.now(), n: 5 }, created_at: new Date().toISOString() },
  });
  const messages = Array.from({ length: RECORDS }, (_, i) => ({ key: `wh_bench_${i % 20}`, value: job, headers: { 'herald-ordering-key': '' } }));
  const partitionMetadata = Array.from({ length: 6 }, (_, partition) => ({ partitionId: partition }));
  const encodeOne = async () => {
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: ({ message }) => Number(message.key.slice(10)) % 6 });
    const partitions = Object.entries(grouped).map(([partition, batch]) => ({ partition: Number(partition), firstSequence: 0, messages: batch }));
    return (await request({ acks: -1, timeout: 30_000, topicData: [{ topic: 'herald.deliveries.webhook.v1', partitions }] }).encode()).buffer.length;
  };
  for (let i = 0; i < 20; i++) await encodeOne(); // warm-up
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) bytes = await encodeOne();
  console.log(JSON.stringify({ msPerRequest: Number(process.hrtime.bigint() - started) / 1e6 / REQUESTS, bytes }));
} else {
  buildHerald();
  const runs = { kafkajs: [], herald: [] };
  for (let round = 0; round < 3; round++) {
    for (const name of round % 2 ? ['herald', 'kafkajs'] : ['kafkajs', 'herald']) {
      runs[name].push(JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), name], { encoding: 'utf8' })));
    }
  }
  const ms = (name) => median(runs[name].map((r) => r.msPerRequest));
  console.log(`One produce request of ${RECORDS} jobs (${runs.kafkajs[0].bytes} bytes; the same from both: ${runs.herald[0].bytes === runs.kafkajs[0].bytes}), medians of 3 rounds:`);
  console.log(formatRows([
    ["kafkajs's own, ms per request", ms('kafkajs').toFixed(2)],
    ["Herald's producer internals, ms per request", ms('herald').toFixed(2)],
    ['kafkajs / Herald', `${(ms('kafkajs') / ms('herald')).toFixed(2)}×`],
  ]));
}
