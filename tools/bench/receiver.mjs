// The benchmarks' receiver, run as a process of its own (startReceiver in common.mjs): an HTTP server that
// answers 200 to every request and counts them per run (the first path segment), with the latency of each body
// that carries `"sent_at":<epoch ms>`; and a server that accepts connections and never answers.
import { createServer } from 'node:http';
import net from 'node:net';
import { serveCommands } from './common.mjs';

const SENT_AT = /"sent_at":(\d+)/;
const runs = new Map();
const runStats = (run) => {
  let stats = runs.get(run);
  if (!stats) runs.set(run, (stats = { count: 0, timed: 0, firstAt: 0, lastAt: 0, latencies: [], sentAts: [] }));
  return stats;
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const now = Date.now();
    const stats = runStats(req.url.split('/')[1]);
    stats.count++;
    stats.firstAt ||= now;
    stats.lastAt = now;
    const sentAt = SENT_AT.exec(Buffer.concat(chunks).toString('latin1'));
    if (sentAt) {
      stats.timed++;
      stats.latencies.push(now - Number(sentAt[1]));
      // Each latency's sent_at too: a phase's latency by when its events were sent.
      stats.sentAts.push(Number(sentAt[1]));
    }
    res.writeHead(200, { 'content-length': '0' }).end();
  });
});
server.keepAliveTimeout = 30_000;

let hungRequests = 0;
const hung = net.createServer((socket) => {
  socket.on('data', (chunk) => (hungRequests += (chunk.toString('latin1').match(/^POST /gm) ?? []).length));
  socket.on('error', () => {});
});

await new Promise((r) => server.listen(0, '127.0.0.1', r));
await new Promise((r) => hung.listen(0, '127.0.0.1', r));
serveCommands({
  stats: ({ run, latencies }) => {
    const { latencies: all, sentAts, ...counts } = runStats(run);
    return latencies ? { ...counts, latencies: all, sentAts } : counts;
  },
  hung: () => ({ requests: hungRequests }),
});
process.send({ url: `http://127.0.0.1:${server.address().port}`, hungUrl: `http://127.0.0.1:${hung.address().port}/hung` });
