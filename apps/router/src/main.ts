import { runService } from '@herald/runtime';
import { RouterModule } from './router.module';

// Keyed by org: an org's events are routed in order. Each handler returns as soon as its jobs
// are queued on the producer (in order), so the next event does not wait for Kafka's ack.
void runService({ name: 'router', module: RouterModule, consumer: { concurrency: 64 } });
