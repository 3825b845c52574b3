import { Injectable } from '@nestjs/common';
import type { DeliveryJob } from '@herald/deliveries';
import type { Settling } from '@herald/kafka';
import { DeliveryRepository } from '@herald/persistence';

/**
 * Which attempts were made already, so a job read twice is not mailed twice: Kafka hands a job out again when its
 * offset was not committed (a rebalance, a restart), and ingest can produce one twice the same way. An attempt is
 * made once the delivery log holds it; one this process is still writing counts once that write ends, whatever its
 * outcome (a failed write fails the original job, whose retry asks again and finds nothing).
 */
@Injectable()
export class MadeAttempts {
  /** Attempts whose record is being written, by `attemptKey`: until written, the log cannot tell they were made. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(private readonly deliveries: DeliveryRepository) {}

  async made(job: DeliveryJob): Promise<boolean> {
    const write = this.writing.get(attemptKey(job));
    if (write) return write.then(() => true, () => true);
    return this.deliveries.hasAttempt(job.delivery_id, job.attempt);
  }

  /** Notes that `job`'s attempt is being recorded (`settling`), and hands the settling on. */
  recording(job: DeliveryJob, settling: Settling): Settling {
    const key = attemptKey(job);
    const { durable } = settling;
    this.writing.set(key, durable);
    const forget = () => this.writing.get(key) === durable && this.writing.delete(key);
    durable.then(forget, forget);
    return settling;
  }
}

const attemptKey = (job: DeliveryJob) => `${job.delivery_id}#${job.attempt}`;
