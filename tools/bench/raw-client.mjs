// The raw ceiling, run as a process of its own: undici POSTing straight at the receiver, no signing, no queue.
import { createRequire } from 'node:module';
import { atRate, serveCommands } from './common.mjs';

const require = createRequire(import.meta.url);
const { Agent, request } = require('undici');
const agent = new Agent({ connections: 64 });

const post = async (url, body) => {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
  await res.body.dump();
};
const event = (n) => JSON.stringify({ id: `raw-${n}`, type: 'deploy.failed', data: { sent_at: Date.now(), n } });

serveCommands({
  /** `count` requests spread over `urls`, `concurrency` at a time. */
  burst: async ({ urls, count, concurrency }) => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) await post(urls[n % urls.length], event(n));
    }));
    return {};
  },
  /** `rate` requests a second for `seconds`, spread over `urls`, sent every 10 ms without waiting for answers. */
  rate: async ({ urls, rate, seconds }) => {
    const inFlight = [];
    await atRate(rate, seconds, (from, to) => {
      for (let n = from; n < to; n++) inFlight.push(post(urls[n % urls.length], event(n)));
    });
    await Promise.all(inFlight);
    return {};
  },
});
process.send({ ready: true });
