export { deliveriesTopic, DeliveryControl, jobFor, UnknownDeliveryError } from './delivery-control';
export { DeliveryControlModule } from './delivery-control.module';
export { deliveryId, DeliveryJobSchema, firstAttempts, firstJobs, InvalidDeliveryJobError, jobMessage, parseDeliveryJob, serializeJob, type DeliveryJob, type Destination, type DestinationKind } from './job';
export { deferMessage, nextRetryDelay, retryMessage, type RetryPolicy } from './retry';
export { deliveryLogFields, DeliveryOutcomes, deliveryRef, meteredDestination } from './outcomes';
export { ReplayPacing } from './replay-pacing';
export { matchSubscriptions, receives, subscriptionOf, type SubscribedDestination, type Subscription } from './match';
