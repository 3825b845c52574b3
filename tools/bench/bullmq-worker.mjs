// The BullMQ + Redis alternative, run as a process of its own: what a Node team would write instead of Herald. Each
// job is one delivery: sign the body as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) and POST
// it with undici; a non-2xx answer or a timeout fails the attempt, and BullMQ retries it (the job's attempts and
// backoff). Concurrency 64. Started by compare.mjs with BENCH_QUEUE and the Redis connection in BENCH_REDIS (JSON).
import { createRequire } from 'node:module';
import { serveCommands } from './common.mjs';

const require = createRequire(import.meta.url);
const { Worker } = require('bullmq');
const { Agent, request } = require('undici');
const { Webhook } = require('standardwebhooks');

const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 10_000);
const agent = new Agent({ connections: 64, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
const signers = new Map();
const signer = (secret) => signers.get(secret) ?? signers.set(secret, new Webhook(secret)).get(secret);

const worker = new Worker(
  process.env.BENCH_QUEUE,
  async (job) => {
    const { url, secret, event } = job.data;
    const body = JSON.stringify(event);
    const now = new Date();
    const res = await request(url, {
      method: 'POST',
      body,
      dispatcher: agent,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'webhook-id': job.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer(secret).sign(job.id, now, body),
      },
    });
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`HTTP ${res.statusCode}`);
  },
  { connection: JSON.parse(process.env.BENCH_REDIS), concurrency: 64 },
);
worker.on('error', () => {});
await worker.waitUntilReady();
serveCommands({});
process.on('SIGTERM', () => worker.close(true).finally(() => process.exit(0)));
process.send({ ready: true });
