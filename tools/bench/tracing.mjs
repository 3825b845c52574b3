// Tracing benchmark: what the tracing code costs one delivery, off and on.
//
//   npm run bench:tracing        (HERALD_BENCH_DELIVERIES per measurement, default 100000; HERALD_BENCH_ROUNDS, default 3)
//
// A microbenchmark of the instrumented path, built from libs/tracing as the services run it: a delivery handled in
// the context of its message's headers, the `deliver webhook` span, the attempt's `POST` span with its attributes,
// the outgoing `traceparent`, the status annotation. The request itself is an awaited no-op, so the figures are the
// tracing code's own CPU time per delivery (the process's user + system time, so other load on the machine does not
// count), against the same path without any of it, and, for scale, against signing one body. Each mode runs in a process of its
// own: the same path with no tracing code at all, tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT) without and with a
// producer's traceparent, and exporting over OTLP/HTTP (protobuf, the default, and JSON) to a loopback sink in this
// process, which counts what arrives. Rounds are interleaved; the median per mode is reported. Not a test.
import { execFileSync, fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DELIVERIES = Number(process.env.HERALD_BENCH_DELIVERIES ?? 100_000);
const ROUNDS = Number(process.env.HERALD_BENCH_ROUNDS ?? 3);
const WARMUP = Math.min(20_000, DELIVERIES);
/**
 * Deliveries between yields to the event loop, so the exporter's requests go out while deliveries are made, as in a
 * service (where every delivery waits for its request). The default batch processor (2,048 spans queued, 512 per
 * export) drops what does not fit its queue; the JSON sink's span count shows how many arrived.
 */
const YIELD_EVERY = 50;

const MODES = {
  uninstrumented: { label: 'no tracing code at all', env: {} },
  signing: { label: 'for scale: no tracing, plus signing the body (HMAC-SHA256 over 1 KiB)', env: {} },
  off: { label: 'tracing off, untraced message', env: {} },
  'off-traceparent': { label: "tracing off, producer's traceparent carried on", env: {} },
  'exporting-protobuf': { label: 'exporting, OTLP/HTTP protobuf', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' } },
  'exporting-json': { label: 'exporting, OTLP/HTTP JSON', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } },
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

if (process.argv[2] === 'measure') await measure(process.argv[3]);
else await main();

/** One mode, in its own process: times DELIVERIES deliveries after a warm-up and reports ns per delivery. */
async function measure(mode) {
  const require = createRequire(import.meta.url);
  const { loadConfig } = require(path.join(root, 'dist/libs/config/src/index.js'));
  const { annotate, deliveryAttributes, inSpan, outgoingTraceHeaders, SpanKind, startTracing, withTraceContext } = require(path.join(root, 'dist/libs/tracing/src/index.js'));
  const untraced = mode === 'uninstrumented' || mode === 'signing';
  const tracing = untraced ? null : startTracing(loadConfig(process.env), 'bench');

  const job = { delivery_id: 'msg_0123456789abcdefghijklmnopq', attempt: 1, destination: { kind: 'webhook', id: 'wh_bench' }, event: { id: 'evt_01J0000000000000000000000', type: 'deploy.failed', org_id: 'org_bench' } };
  const headers = mode === 'off-traceparent' || mode.startsWith('exporting') ? { traceparent: TRACEPARENT } : {};
  const requestHeaders = { 'content-type': 'application/json', 'webhook-id': job.delivery_id, 'webhook-timestamp': '1764600000', 'webhook-signature': 'v1,abc' };
  const post = async (sent) => ({ kind: 'response', statusCode: 204, latencyMs: 3, sent });

  const plain = async () => {
    const result = await post(requestHeaders);
    return result;
  };
  // What one part of every real delivery costs (the sender signs each body), measured beside the rest.
  const body = JSON.stringify({ id: job.event.id, type: job.event.type, data: { text: 'x'.repeat(950) } });
  const signed = async () => {
    createHmac('sha256', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').update(`${job.delivery_id}.1764600000.${body}`).digest('base64');
    return plain();
  };
  // The services' path (delivery controller, WebhookDeliveryService.attempt, HttpSender.post, DeliveryOutcomes.record).
  const traced = () =>
    withTraceContext(headers, () =>
      inSpan('deliver webhook', SpanKind.CONSUMER, () => deliveryAttributes(job), async () => {
        const result = await inSpan('POST', SpanKind.CLIENT, () => ({ ...deliveryAttributes(job), 'http.request.method': 'POST', 'herald.breaker.state': 'closed' }), async (span) => {
          const trace = outgoingTraceHeaders();
          const answer = await post(trace ? { ...requestHeaders, ...trace } : requestHeaders);
          span.setAttribute('herald.attempt.latency_ms', answer.latencyMs);
          span.setAttribute('http.response.status_code', answer.statusCode);
          return answer;
        });
        annotate({ 'herald.delivery.status': 'succeeded' });
        return result;
      }),
    );
  const deliver = mode === 'uninstrumented' ? plain : mode === 'signing' ? signed : traced;

  const run = async (count) => {
    for (let i = 0; i < count; i++) {
      await deliver();
      if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(WARMUP);
  // CPU time, not wall time: the machine is shared, and CPU is what a delivery costs the service.
  const started = process.cpuUsage();
  await run(DELIVERIES);
  const { user, system } = process.cpuUsage(started);
  await tracing?.shutdown().catch(() => undefined); // exports the last batch, outside the measured part
  process.send({ mode, nsPerDelivery: ((user + system) * 1000) / DELIVERIES });
}

async function main() {
  execFileSync(process.execPath, [path.join(root, 'tools/build.mjs'), 'libs'], { cwd: root, stdio: 'ignore' });
  const sink = await startSink();
  const results = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [mode, { env }] of Object.entries(MODES)) {
        const exporting = mode.startsWith('exporting');
        const { nsPerDelivery } = await child(mode, { ...withoutOtel(process.env), ...env, ...(exporting ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}) });
        results[mode].push(nsPerDelivery);
            console.log(`round ${round}: ${MODES[mode].label}: ${nsPerDelivery.toFixed(0)} ns CPU per delivery`);
      }
    }
  } finally {
    await sink.close();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const base = median(results.uninstrumented);
  const summary = Object.entries(results).map(([mode, values]) => ({ mode, label: MODES[mode].label, nsPerDelivery: Math.round(median(values)), overheadNs: Math.round(median(values) - base) }));
  // Every exporting delivery makes two spans; the JSON sink counts them (protobuf requests are counted, not decoded).
  const expectedJsonSpans = 2 * (WARMUP + DELIVERIES) * ROUNDS;
  console.log('\nmedian of', ROUNDS, 'rounds,', DELIVERIES, 'deliveries each:');
  console.table(summary.map(({ label, nsPerDelivery, overheadNs }) => ({ mode: label, 'CPU ns per delivery': nsPerDelivery, 'adds (ns)': overheadNs })));
  console.log(`OTLP sink: ${sink.requests.protobuf} protobuf requests (${(sink.bytes.protobuf / 1e6).toFixed(1)} MB); ${sink.spans} of ${expectedJsonSpans} JSON spans arrived`);
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp/bench-tracing.json'), JSON.stringify({ deliveries: DELIVERIES, rounds: ROUNDS, summary, sink: { ...sink.requests, jsonSpans: sink.spans, expectedJsonSpans } }, null, 2));
}

function withoutOtel(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_')));
}

function child(mode, env) {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['measure', mode], { env, stdio: 'inherit' });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 600_000);
    let result;
    proc.on('message', (message) => (result = message));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${mode}: exited with ${code} without a result`));
    });
  });
}

/** A loopback OTLP/HTTP receiver: counts requests and bytes, and the spans of JSON requests. */
async function startSink() {
  const requests = { protobuf: 0, json: 0 };
  const bytes = { protobuf: 0, json: 0 };
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const kind = String(req.headers['content-type']).includes('json') ? 'json' : 'protobuf';
      requests[kind]++;
      bytes[kind] += body.length;
      if (kind === 'json') for (const resource of JSON.parse(body.toString()).resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
      res.writeHead(200, { 'content-type': kind === 'json' ? 'application/json' : 'application/x-protobuf' });
      res.end(kind === 'json' ? '{}' : '');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    bytes,
    get spans() {
      return spans;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
