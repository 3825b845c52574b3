import { deliveryId, type DeliveryJob } from '@herald/deliveries';
import { settling } from '@herald/kafka';
import type { DeliveryRepository } from '@herald/persistence';
import { MadeAttempts } from './made-attempts';

const event = { id: 'evt_1', type: 'deploy.failed', org_id: 'org_1', project_id: null, occurred_at: 't', created_at: 't', data: {} };
const job: DeliveryJob = { delivery_id: deliveryId(event, 'ec_1'), attempt: 2, destination: { kind: 'email', id: 'ec_1' }, event };

describe('MadeAttempts: a job read again', () => {
  let inLog: Set<string>;
  let made: MadeAttempts;

  beforeEach(() => {
    inLog = new Set();
    made = new MadeAttempts({ hasAttempt: async (id: string, n: number) => inLog.has(`${id}#${n}`) } as unknown as DeliveryRepository);
  });

  /** A record being written, finished (into the log) or failed by the test. */
  function write() {
    let finish!: () => void;
    let fail!: (error: Error) => void;
    const durable = new Promise<void>((resolve, reject) => {
      finish = () => (inLog.add(`${job.delivery_id}#${job.attempt}`), resolve());
      fail = reject;
    });
    return { record: settling(durable), finish, fail };
  }

  it('is made once the delivery log holds it, and not before anything was recorded', async () => {
    expect(await made.made(job)).toBe(false);
    inLog.add(`${job.delivery_id}#2`);
    expect(await made.made(job)).toBe(true);
    expect(await made.made({ ...job, attempt: 3 })).toBe(false);
  });

  it('waits for an attempt still being written, and counts it made', async () => {
    const { record, finish } = write();
    expect(made.recording(job, record)).toBe(record);
    let answer: boolean | undefined;
    const asked = made.made(job).then((answered) => (answer = answered));
    await Promise.resolve();
    expect(answer).toBeUndefined();
    finish();
    await asked;
    expect(answer).toBe(true);
  });

  it('asks the log again once a write has failed (the original job is retried, and sends again)', async () => {
    const { record, fail } = write();
    made.recording(job, record);
    fail(new Error('connection lost'));
    await expect(record.durable).rejects.toThrow('connection lost');
    expect(await made.made(job)).toBe(false);
  });
});
