import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { HealthRegistry, type HealthReport } from './health';

/** How often the service's event loop tells the probe thread how it is. */
const REPORT_EVERY_MS = 250;

export interface ProbeAnswer {
  status: number;
  body: { status: string; components: HealthReport['components'] };
}

/** What /healthz (`live`) or /readyz (`ready`) answers for a report, on either port. */
export function probeAnswer(probe: 'live' | 'ready', report: HealthReport): ProbeAnswer {
  if (probe === 'live') return { status: report.live ? 200 : 503, body: { status: report.live ? 'ok' : 'failing', components: report.components } };
  return { status: report.ready ? 200 : 503, body: { status: report.ready ? 'ready' : 'not ready', components: report.components } };
}

/**
 * The probe thread: an HTTP server on HEALTH_PORT answering /healthz and /readyz with the answers the service last
 * posted, and 503 once those are older than `staleAfterMs` (the service's event loop is stuck). Source text rather
 * than a module file, so the same code runs compiled (dist) and under the test runner's transform.
 */
const PROBE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { staleAfterMs } = workerData;
const STALE = { status: 503, body: JSON.stringify({ status: 'event loop not answering' }) };
let last = { at: 0, live: STALE, ready: STALE };
parentPort.on('message', ({ live, ready }) => (last = { at: Date.now(), live, ready }));
const server = http.createServer((req, res) => {
  const path = (req.url || '').split('?')[0];
  const probe = path === '/healthz' ? 'live' : path === '/readyz' ? 'ready' : null;
  if (!probe) return res.writeHead(404).end();
  const { status, body } = Date.now() - last.at <= staleAfterMs ? last[probe] : STALE;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
});
server.keepAliveTimeout = 65000;
server.once('error', (error) => parentPort.postMessage({ error: error.message }));
server.listen(workerData.port, workerData.host, () => parentPort.postMessage({ listening: server.address().port }));
`;

/**
 * Answers the kubelet's probes from a thread of their own when HEALTH_PORT is set. On two cores kept busy by a burst,
 * a probe sent to the service's own port waits behind whatever its event loop is working through (a fetched batch,
 * a garbage collection): hundreds of milliseconds. This thread has its own loop and heap, so it answers in
 * milliseconds, while a report older than HERALD_HEALTH_STALE_AFTER still fails both probes: a wedged service is not
 * hidden by a healthy thread.
 */
@Injectable()
export class HealthServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker: Worker | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The port the probe thread listens on (HEALTH_PORT, or the one given for 0); undefined when off. */
  port: number | undefined;

  constructor(
    private readonly health: HealthRegistry,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.HEALTH_PORT === undefined) return;
    const worker = new Worker(PROBE_THREAD, {
      eval: true,
      workerData: { port: this.config.HEALTH_PORT, host: '0.0.0.0', staleAfterMs: this.config.HERALD_HEALTH_STALE_AFTER },
      // A small heap of its own: it holds one report.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    this.worker = worker;
    const [started] = (await once(worker, 'message')) as [{ listening?: number; error?: string }];
    if (started.error !== undefined) {
      await worker.terminate();
      throw new Error(`HEALTH_PORT ${this.config.HEALTH_PORT}: ${started.error}`);
    }
    this.port = started.listening;
    const post = () => {
      const report = this.health.report();
      const serialised = (probe: 'live' | 'ready') => {
        const { status, body } = probeAnswer(probe, report);
        return { status, body: JSON.stringify(body) };
      };
      worker.postMessage({ live: serialised('live'), ready: serialised('ready') });
    };
    post();
    this.timer = setInterval(post, REPORT_EVERY_MS);
    this.timer.unref();
    worker.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.worker?.terminate();
  }
}
