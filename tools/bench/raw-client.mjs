// The raw ceiling, run as a process of its own: undici POSTing straight at the receiver, no signing, no queue.
import { createRequire } from 'node:module';
import { serveCommands } from './common.mjs';

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
    const total = rate * seconds;
    const inFlight = [];
    const started = Date.now();
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
      for (; sent < due; sent++) inFlight.push(post(urls[sent % urls.length], event(sent)));
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inFlight);
    return {};
  },
});
process.send({ ready: true });
