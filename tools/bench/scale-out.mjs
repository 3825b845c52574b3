// Scale-out: the burst (2,000 events × 20 endpoints) with one webhook-sender, then with two (a second process in the
// same consumer group), then with one again; CPU per delivery of each sender process and of the whole system, and
// how the partitions of the delivery topic split between the senders. Not a test.
//
//   npm run bench:scale-out      (BENCH_SCALE, BENCH_KAFKA_PORT 35192, BENCH_DATABASE_URL …/herald_bench_h5,
//                                 BENCH_PORT_BASE 4750)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  benchStackSettings, buildHerald, markdownTable, partitionAssignment, range, root, runFanout, startHerald, startMeter, startReceiver, waitFor,
} from './common.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const GROUP = 'herald.webhook-sender';
const TOPIC = 'herald.deliveries.webhook.v1';
const BURST = { events: Math.round(2000 * SCALE), endpoints: 20, deadlineMs: 600_000 };
const WARM = { events: 50, endpoints: 20, deadlineMs: 120_000 };
const STEPS = [1, 2, 1];

async function main() {
  buildHerald();
  const receiver = await startReceiver();
  const runs = ['warm', ...STEPS.map((n, i) => `burst${i}-${n}`)];
  const webhooks = runs.flatMap((run) => range(0, 20).map((i) => ({ id: `wh_${run.replace('-', '_')}_${i}`, orgId: `org_${run.replace('-', '_')}`, url: `${receiver.url}/${run}/${i}` })));
  const results = [];
  let stack;
  try {
    stack = await startHerald({ ...benchStackSettings(), webhooks });
    const system = {
      submit: (run, spec, ns) => stack.produce(ns.map((n) => {
        const orgId = `org_${run.replace('-', '_')}`;
        return { key: orgId, value: JSON.stringify({ id: `${run}-${n}`, type: 'deploy.failed', org_id: orgId, data: { sent_at: Date.now(), n } }) };
      })),
    };
    await runFanout(system, receiver, 'warm', WARM);
    for (const [i, senders] of STEPS.entries()) {
      const current = stack.services.filter((s) => s.name.startsWith('webhook-sender')).length;
      if (senders > current) await stack.addSender();
      if (senders < current) await stack.removeSender();
      // Every sender holds partitions of the delivery topic, and every partition has a sender, before the burst.
      const [{ partitions }] = (await stack.admin.fetchTopicMetadata({ topics: [TOPIC] })).topics;
      let split = {};
      const settled = await waitFor(async () => {
        split = await partitionAssignment(stack.admin, GROUP, TOPIC).catch(() => ({}));
        const members = Object.values(split);
        return members.length === senders && members.every((p) => p.length > 0) && members.flat().length === partitions.length;
      }, { timeoutMs: 120_000, intervalMs: 500 });
      if (!settled) throw new Error(`the group did not settle on ${senders} sender(s): ${JSON.stringify(split)}`);
      const meter = startMeter(stack.processGroups);
      const result = await runFanout(system, receiver, runs[i + 1], BURST);
      const processes = await meter.stop();
      const per1000 = (cpu) => (cpu / result.deliveries) * 1000;
      const senderCpu = Object.entries(processes).filter(([name]) => name.startsWith('webhook-sender'));
      results.push({
        senders, ...result, split: Object.values(split),
        senderCpuPer1000: Object.fromEntries(senderCpu.map(([name, p]) => [name, per1000(p.cpuSeconds)])),
        sendersCpuPer1000: per1000(senderCpu.reduce((sum, [, p]) => sum + p.cpuSeconds, 0)),
        systemCpuPer1000: per1000(Object.values(processes).reduce((sum, p) => sum + p.cpuSeconds, 0)),
        processes,
      });
      console.log(`${senders} sender(s): ${result.perSec.toFixed(0)} deliveries/s, partitions ${JSON.stringify(Object.values(split))}`);
    }
  } finally {
    await stack?.stop();
    await receiver.close();
  }
  const markdown = markdownTable(
    ['webhook-senders', 'deliveries/s', 'CPU-s per 1,000 deliveries, each sender', 'all senders', 'whole system', `partitions of ${TOPIC} per sender`],
    results.map((r) => [
      String(r.senders), r.perSec.toFixed(0) + (r.complete ? '' : ` (incomplete: ${r.deliveries} of ${r.expected})`),
      Object.entries(r.senderCpuPer1000).map(([name, v]) => `${name} ${v.toFixed(3)}`).join(', '),
      r.sendersCpuPer1000.toFixed(3), r.systemCpuPer1000.toFixed(3), r.split.map((p) => `[${p.join(',')}]`).join(' '),
    ]),
  );
  console.log(`\nburst of ${BURST.events} events × ${BURST.endpoints} endpoints, one, two, then one webhook-sender:\n\n${markdown}`);
  mkdirSync(path.join(root, 'tmp'), { recursive: true });
  writeFileSync(path.join(root, 'tmp', 'bench-scale-out.json'), JSON.stringify(results, null, 2));
  writeFileSync(path.join(root, 'tmp', 'bench-scale-out.md'), markdown);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
