// `npm run demo`: Herald end to end in about a minute. Starts the stack as `npm start` does, a
// local receiver that prints each delivery and checks its signature, a demo org with one webhook,
// then produces a few sample events to Kafka and stops everything once they have arrived.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot, servicePorts } from './services.mjs';

const require = createRequire(import.meta.url);
const RECEIVER_PORT = Number(process.env.HERALD_DEMO_RECEIVER_PORT ?? 4999);
const ports = servicePorts();
const say = (message) => console.log(`demo   | ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const SAMPLES = [
  { id: 'demo-deploy-1', type: 'deploy.failed', project_id: 'prj_web', data: { environment: 'production', branch: 'main', commit: '3f2a91c', error: 'Health check failed after 120 s', url: 'https://example.com/deployments/1' } },
  { id: 'demo-deploy-2', type: 'deploy.succeeded', project_id: 'prj_web', data: { environment: 'staging', branch: 'release/2.4', actor: 'ada' } },
  { id: 'demo-ping-3', type: 'ping', data: { message: 'hello from the demo' } },
];

async function main() {
  const stack = spawn(process.execPath, [path.join(repoRoot, 'tools', 'dev', 'start.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, HERALD_ALLOW_LOOPBACK_DESTINATIONS: 'true', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: 'inherit',
  });
  const stop = () => new Promise((resolve) => {
    if (stack.exitCode !== null) return resolve();
    stack.once('exit', resolve);
    stack.kill('SIGTERM');
  });
  process.on('SIGINT', () => void stop().then(() => process.exit(130)));

  for (let i = 0; ; i++) {
    if (stack.exitCode !== null) throw new Error('the stack stopped before it was ready');
    const ok = await fetch(`http://127.0.0.1:${ports['webhook-sender']}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error('the stack did not become ready in 5 minutes');
    await sleep(500);
  }

  const { createDataSource, OrgRepository, WebhookRepository } = require(path.join(repoRoot, 'dist/libs/persistence/src/index.js'));
  const { generateSecret, verifyWebhook } = require(path.join(repoRoot, 'dist/libs/signing/src/index.js'));
  const { HeraldClient } = require(path.join(repoRoot, 'dist/libs/producer/src/index.js'));

  const secret = generateSecret();
  let received = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      let verified;
      try {
        verified = verifyWebhook({ scheme: 'standard', secret, headers: req.headers, body });
      } catch (error) {
        verified = `NO (${error.message})`;
      }
      received++;
      say(`receiver got ${req.method} ${req.url}  webhook-id=${req.headers['webhook-id']}  signature verified: ${verified === true ? 'yes' : verified}`);
      say(`  ${body}`);
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => server.listen(RECEIVER_PORT, '127.0.0.1', r));

  const dataSource = await createDataSource(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/herald', 2).initialize();
  await new OrgRepository(dataSource).upsert('org_demo', 'Demo');
  await dataSource.query(`DELETE FROM webhooks WHERE org_id = 'org_demo'`);
  await new WebhookRepository(dataSource).create({ id: 'wh_demo', orgId: 'org_demo', url: `http://127.0.0.1:${RECEIVER_PORT}/herald` }, secret);
  await dataSource.destroy();
  say(`org_demo has webhook wh_demo → http://127.0.0.1:${RECEIVER_PORT}/herald (Standard Webhooks signing)`);

  const client = new HeraldClient({ brokers: (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`).split(',') });
  await client.connect();
  const runId = Date.now();
  await client.publish(SAMPLES.map((event) => ({ ...event, id: `${event.id}-${runId}`, org_id: 'org_demo' })));
  await client.disconnect();
  say(`produced ${SAMPLES.length} events to herald.events.v1`);

  const deadline = Date.now() + 30_000;
  while (received < SAMPLES.length && Date.now() < deadline) await sleep(200);
  say(received >= SAMPLES.length ? `all ${SAMPLES.length} deliveries arrived; stopping` : `only ${received} of ${SAMPLES.length} arrived in 30 s; stopping`);
  server.close();
  await stop();
  process.exit(received >= SAMPLES.length ? 0 : 1);
}

main().catch((error) => {
  console.error(`demo   | ${error.message}`);
  process.exit(1);
});
