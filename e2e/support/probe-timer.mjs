// Times GET requests to the URLs given as arguments, round after round, until a line arrives on stdin; then prints
// {"count", "p50", "p99", "max", "byUrl"} in milliseconds (byUrl: each URL's p99) and exits. A process of its own, so the timings are the services'
// and not those of a busy test process that also produces events and receives their deliveries.
const urls = process.argv.slice(2);
const timings = [];
const byUrl = new Map(urls.map((url) => [url, []]));
let probing = true;
process.stdin.once('data', () => (probing = false));

while (probing) {
  await Promise.all(
    urls.map(async (url) => {
      const started = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      const took = performance.now() - started;
      timings.push(took);
      byUrl.get(url).push(took);
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const at = (list, q) => {
  const sorted = [...list].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))].toFixed(1));
};
const p99s = Object.fromEntries([...byUrl].map(([url, list]) => [url, at(list, 0.99)]));
process.stdout.write(`${JSON.stringify({ count: timings.length, p50: at(timings, 0.5), p99: at(timings, 0.99), max: at(timings, 1), byUrl: p99s })}\n`);
process.exit(0);
