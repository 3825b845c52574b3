import { loadConfig } from '@herald/config';
import { runService } from '@herald/runtime';
import { WebhookSenderModule } from './webhook-sender.module';

// Jobs are keyed by webhook: endpoints in parallel; each endpoint one request at a time, in
// order, unless HERALD_ENDPOINT_CONCURRENCY allows more.
const { HERALD_ENDPOINT_CONCURRENCY } = loadConfig();
void runService({
  name: 'webhook-sender',
  module: WebhookSenderModule,
  consumer: { concurrency: 64, perKeyConcurrency: HERALD_ENDPOINT_CONCURRENCY, partitionsConsumedConcurrently: 6 },
});
