import { runService } from '@herald/runtime';
import { WebhookSenderModule } from './webhook-sender.module';

// Jobs are keyed by webhook: one endpoint's jobs run in order, different endpoints in parallel.
void runService({ name: 'webhook-sender', module: WebhookSenderModule, consumer: { concurrency: 64, partitionsConsumedConcurrently: 6 } });
