// Times GET requests to the URLs given as arguments, round after round, until a line arrives on stdin; then prints
// {"count", "p50", "p99", "max", "byUrl"} in milliseconds (byUrl: each URL's p99) and exits. A process of its own, so the timings are the services'
// and not those of a busy test process that also produces events and receives their deliveries.
// Like a kubelet's prober, each probe is one small request on a kept-alive connection, timed alone: probes sent all
// at once would also time this process handling the other answers.
import http from 'node:http';

const urls = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const timings = [];
const byUrl = new Map(urls.map((url) => [url, []]));
let probing = true;
process.stdin.once('data', () => (probing = false));

const probe = (url) =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.once('end', () => resolve(performance.now() - started));
      })
      .once('error', reject);
  });

while (probing) {
  for (const url of urls) {
    const took = await probe(url);
    timings.push(took);
    byUrl.get(url).push(took);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
agent.destroy();
const at = (list, q) => {
  const sorted = [...list].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))].toFixed(1));
};
const p99s = Object.fromEntries([...byUrl].map(([url, list]) => [url, at(list, 0.99)]));
process.stdout.write(`${JSON.stringify({ count: timings.length, p50: at(timings, 0.5), p99: at(timings, 0.99), max: at(timings, 1), byUrl: p99s })}\n`);
process.exit(0);
