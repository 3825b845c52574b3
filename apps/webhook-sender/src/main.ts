import { runService } from '@herald/runtime';
import { WebhookSenderModule } from './webhook-sender.module';

// Jobs are keyed by webhook, so one webhook's deliveries share a partition; DeliveryPlacement decides, per webhook's
// ordering and max_in_flight, which of them run side by side.
void runService({
  name: 'webhook-sender',
  module: WebhookSenderModule,
  consumer: { concurrency: 64, partitionsConsumedConcurrently: 6 },
});
