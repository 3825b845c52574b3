import { Inject, Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { counter, histogram, startAtZero } from './define';

// Herald's own metrics, one class per concern; a service's module provides the classes it
// reports, so each /metrics shows only what that service does. docs/operations.md is the
// reference; ops/ builds the dashboard and alert rules on these names.
//
// Label values are bounded by construction: channels, formats, outcomes, causes, tiers and
// route templates are fixed sets. Nothing is labelled per org, webhook or endpoint, except the
// opt-in failing-destinations counter, whose destinations are capped per process.

/** Seconds, from 5 ms (a loopback receiver) to the longest webhook timeout. */
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds after its due time a retry went back: ideally under a second, alarming past a minute. */
const LATENESS_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];

export type DeliveryChannel = 'webhook' | 'email';
const ATTEMPT_RESULTS = ['success', 'failure', 'no_request'] as const;
export type AttemptResult = (typeof ATTEMPT_RESULTS)[number];
const FINAL_OUTCOMES = ['succeeded', 'failed'] as const;
const RATE_LIMIT_ACTIONS = ['waited', 'deferred'] as const;

/** What one sender delivers: its channel, the formats it sends and the retry tiers it parks attempts in. */
export interface DeliveryLabels {
  channel: DeliveryChannel;
  formats: readonly string[];
  tiers: readonly string[];
}

/** Where an attempt went: its channel, and the org and destination the opt-in failure counter names. */
export interface MeteredDestination {
  channel: DeliveryChannel;
  org: string;
  id: string;
}

/** The label value of destinations past the cap. */
export const OTHER_DESTINATIONS = 'other';

@Injectable()
export class IntakeMetrics {
  readonly ingested;
  readonly rejected;

  constructor(registry: Registry) {
    this.ingested = counter(registry, 'herald_events_ingested_total', 'Events accepted by ingest.', ['source']);
    this.rejected = counter(registry, 'herald_events_rejected_total', 'Events refused by ingest, by reason.', ['source', 'reason']);
  }
}

@Injectable()
export class DeliveryMetrics {
  readonly routed;
  readonly attempts;
  readonly attemptDuration;
  readonly completed;
  readonly retriesScheduled;
  readonly held;
  readonly rateLimited;
  readonly destinationFailures;
  /** Destinations with a series of their own, at most the configured cap; never shrinks, as their series stay. */
  private readonly labelled = new Set<string>();
  private readonly destinationCap: number;

  constructor(registry: Registry, @Inject(HERALD_CONFIG) config: Pick<HeraldConfig, 'HERALD_METRICS_FAILING_DESTINATIONS'>) {
    this.destinationCap = config.HERALD_METRICS_FAILING_DESTINATIONS;
    this.routed = counter(registry, 'herald_deliveries_routed_total', 'Delivery jobs ingest created, one per event and destination.', ['channel']);
    this.attempts = counter(registry, 'herald_delivery_attempts_total', 'Delivery attempts, by result (no_request: breaker open or destination gone).', ['channel', 'format', 'result']);
    this.attemptDuration = histogram(registry, 'herald_delivery_attempt_duration_seconds', 'Time one HTTP or SMTP attempt took, for attempts that made a request.', ['channel', 'format'], REQUEST_SECONDS);
    this.completed = counter(registry, 'herald_deliveries_total', 'Deliveries that reached a final state.', ['channel', 'format', 'outcome']);
    this.retriesScheduled = counter(registry, 'herald_retries_scheduled_total', 'Attempts parked in a retry tier.', ['channel', 'tier']);
    this.held = counter(registry, 'herald_deliveries_held_total', 'Deliveries held because their webhook is paused.', ['channel']);
    this.rateLimited = counter(registry, 'herald_deliveries_rate_limited_total', "Attempts their endpoint's rate limit delayed: waited (a second at most, in place) or deferred (parked until their slot).", ['channel', 'action']);
    this.destinationFailures = counter(
      registry,
      'herald_destination_failures_total',
      'Failed attempts by org and destination (opt-in, HERALD_METRICS_FAILING_DESTINATIONS caps the destinations per process; the rest are "other").',
      ['channel', 'org', 'destination', 'result'],
    );
  }

  /** Starts a sender's delivery counters at 0 for every format, result, outcome and tier it can report. */
  startAtZero({ channel, formats, tiers }: DeliveryLabels): void {
    const channels = [channel];
    startAtZero(this.attempts, { channel: channels, format: formats, result: ATTEMPT_RESULTS });
    startAtZero(this.completed, { channel: channels, format: formats, outcome: FINAL_OUTCOMES });
    startAtZero(this.retriesScheduled, { channel: channels, tier: tiers });
    startAtZero(this.held, { channel: channels });
    startAtZero(this.rateLimited, { channel: channels, action: RATE_LIMIT_ACTIONS });
  }

  /** One attempt; `seconds` only when a request was made. */
  attempt(destination: MeteredDestination, format: string, result: AttemptResult, seconds?: number): void {
    const { channel } = destination;
    this.attempts.inc({ channel, format, result });
    if (seconds !== undefined) this.attemptDuration.observe({ channel, format }, seconds);
    if (result !== 'success' && this.destinationCap > 0) this.destinationFailures.inc({ channel, ...this.destinationLabels(destination), result });
  }

  private destinationLabels({ org, id }: MeteredDestination): { org: string; destination: string } {
    if (!this.labelled.has(id) && this.labelled.size >= this.destinationCap) return { org: OTHER_DESTINATIONS, destination: OTHER_DESTINATIONS };
    this.labelled.add(id);
    return { org, destination: id };
  }
}

@Injectable()
export class RetryMetrics {
  readonly lateness;
  readonly replayed;

  constructor(registry: Registry) {
    this.lateness = histogram(registry, 'herald_retry_lateness_seconds', 'How long after its due time a retry was sent back to its deliveries topic.', ['tier'], LATENESS_SECONDS);
    this.replayed = counter(registry, 'herald_replay_deliveries_total', 'Deliveries replays sent to the deliveries topics.', ['channel']);
    startAtZero(this.replayed, { channel: ['webhook', 'email'] });
  }
}

@Injectable()
export class DeadLetterMetrics {
  readonly parked;

  constructor(registry: Registry) {
    this.parked = counter(registry, 'herald_dlq_messages_total', 'Messages parked on the events DLQ or the deliveries dead-letter topic.', ['topic', 'cause']);
  }
}

@Injectable()
export class ApiMetrics {
  readonly requests;
  readonly duration;

  constructor(registry: Registry) {
    this.requests = counter(registry, 'herald_api_requests_total', 'HTTP API requests, by route template and status code.', ['method', 'route', 'status']);
    this.duration = histogram(registry, 'herald_api_request_duration_seconds', 'HTTP API request duration.', ['method', 'route'], REQUEST_SECONDS);
  }
}
