// Times GET requests to the URLs given as arguments, round after round, until a line arrives on stdin; then prints
// {"count", "p50", "p99", "max"} in milliseconds and exits. A process of its own, so the timings are the services'
// and not those of a busy test process that also produces events and receives their deliveries.
const urls = process.argv.slice(2);
const timings = [];
let probing = true;
process.stdin.once('data', () => (probing = false));

while (probing) {
  await Promise.all(
    urls.map(async (url) => {
      const started = performance.now();
      const response = await fetch(url);
      await response.arrayBuffer();
      timings.push(performance.now() - started);
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
}
timings.sort((a, b) => a - b);
const at = (q) => Number(timings[Math.min(timings.length - 1, Math.floor(timings.length * q))].toFixed(1));
process.stdout.write(`${JSON.stringify({ count: timings.length, p50: at(0.5), p99: at(0.99), max: at(1) })}\n`);
process.exit(0);
