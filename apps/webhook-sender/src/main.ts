import { runService } from '@herald/runtime';
import { WebhookSenderModule } from './webhook-sender.module';

// Jobs are keyed by webhook, so one webhook's deliveries share a partition; DeliveryPlacement decides, per webhook's
// ordering and max_in_flight, which of them run side by side. A partition fetches on while fewer than 256 run: room
// for sixteen endpoints at the default max_in_flight, so a few hung ones (each holding up to its max_in_flight
// requests for one timeout, until its breaker opens) do not stop a partition's fetching.
void runService({
  name: 'webhook-sender',
  module: WebhookSenderModule,
  consumer: { concurrency: 256, partitionsConsumedConcurrently: 6 },
});
