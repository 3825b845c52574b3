import { runService } from '@herald/runtime';
import { RetrySchedulerModule } from './retry-scheduler.module';

// Sequential per partition: a message not yet due holds back only those queued behind it in its tier.
void runService({ name: 'retry-scheduler', module: RetrySchedulerModule, consumer: { concurrency: 1, partitionsConsumedConcurrently: 12 } });
