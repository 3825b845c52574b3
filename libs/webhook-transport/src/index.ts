export { checkDestinationUrl, checkResolvedDestination, checkResolvedHost, guardedLookup, isForbiddenAddress, UnsafeDestinationError, type DestinationPolicy } from './destination-guard';
export { HttpSender, parseRetryAfter, type HttpRequest, type SendResult } from './http-sender';
export { classifyAttempt, type AttemptOutcome } from './outcome';
export { prepareRequest, type PrepareOptions, type WebhookTarget } from './prepare';
export { RawBodies } from './raw-bodies';
export { webhookTarget, type StoredWebhook } from './target';
