import { Inject, Injectable } from '@nestjs/common';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import type { DeliveryJob } from '@herald/deliveries';
import { WebhookRepository, type WebhookEntity } from '@herald/persistence';
import { webhookTarget } from '@herald/webhook-transport';
import type { BreakerPolicy } from './breaker';
import { Endpoint, type WebhookSettings } from './endpoint';

/** How long an endpoint's settings are reused; short, so pause, rotation and edits apply at once. */
const SETTINGS_TTL_MS = 1_000;
/** Endpoints unused this long are dropped (unless their breaker is open or deliveries are away); bounds memory. */
const IDLE_MS = 15 * 60_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * The endpoints this sender process works for, one Endpoint object each. Getting one reads its settings when they
 * are older than a second, applies a resume the job carries, and drops endpoints idle for a while.
 */
@Injectable()
export class Endpoints {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly openListeners: (() => void)[] = [];
  private readonly policy: BreakerPolicy;
  private sweptAt = 0;
  /**
   * Settings reads under way, one per endpoint: the deliveries running for an endpoint (up to its max_in_flight) and
   * those being placed all wait for the same read, instead of each reading when the settings turn a second old.
   */
  private readonly loading = new Map<string, Promise<WebhookSettings | null>>();

  constructor(
    private readonly webhooks: WebhookRepository,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {
    this.policy = {
      consecutiveFailures: config.HERALD_BREAKER_CONSECUTIVE_FAILURES,
      errorPercent: config.HERALD_BREAKER_ERROR_PERCENT,
      volume: config.HERALD_BREAKER_VOLUME,
      windowMs: config.HERALD_BREAKER_WINDOW_MS,
      resetMs: config.HERALD_BREAKER_RESET_MS,
    };
  }

  /** The job's endpoint with current settings; null when the webhook was deleted. */
  get(job: Pick<DeliveryJob, 'destination' | 'resumed_at'>, now = Date.now()): Endpoint | Promise<Endpoint | null> {
    const id = job.destination.id;
    const known = this.endpoints.get(id);
    // Read-your-writes for resume: the replayed job says when; state older than that (an open breaker) goes.
    if (known && job.resumed_at !== undefined) known.resetIfOlderThan(job.resumed_at, now);
    if (known && now - known.loadedAt < SETTINGS_TTL_MS) {
      known.usedAt = now;
      return known;
    }
    return this.load(id, now).then((settings) => this.apply(id, settings, now, true));
  }

  /** Settings just read: the endpoint refreshed, or made, or dropped when its webhook is gone. `use`: a delivery needs it. */
  private apply(id: string, settings: WebhookSettings | null, now: number, use: boolean): Endpoint | null {
    // Another delivery may have created it while this one read the settings.
    const current = this.endpoints.get(id);
    if (!settings) {
      this.endpoints.delete(id);
      return null;
    }
    if (current) {
      current.refresh(settings, now);
      if (use) current.usedAt = now;
      return current;
    }
    if (!use) return null;
    this.sweep(now);
    const endpoint = new Endpoint(settings, this.policy, now, () => this.openListeners.forEach((listener) => listener()));
    this.endpoints.set(id, endpoint);
    return endpoint;
  }

  /**
   * Settings to place an arriving delivery by, without waiting when they are known here: the ones held (read again in
   * the background once over a second old), or a read for an endpoint new to this process; null when deleted.
   */
  settingsNow(id: string, now = Date.now()): WebhookSettings | Promise<WebhookSettings | null> {
    const known = this.endpoints.get(id);
    if (!known) return this.load(id, now).then((settings) => this.apply(id, settings, now, true)?.settings ?? null);
    if (now - known.loadedAt >= SETTINGS_TTL_MS && !this.loading.has(id)) {
      this.load(id, now).then(
        (settings) => this.apply(id, settings, now, false),
        () => undefined, // the handler reads them again, and meets an outage there
      );
    }
    return known.settings;
  }

  /** How many endpoints are failing fast right now. */
  openCount(): number {
    let open = 0;
    for (const endpoint of this.endpoints.values()) if (endpoint.breakerOpen) open++;
    return open;
  }

  onOpen(listener: () => void): void {
    this.openListeners.push(listener);
  }

  /**
   * Reads an endpoint's settings, once for all who need them meanwhile. The endpoints in use whose settings are at
   * least half their lifetime old are read in the same batch (WebhookRepository.findForDelivery), so the settings of
   * every busy endpoint are read together, about once a second, in two statements whatever their number.
   */
  private load(id: string, now: number): Promise<WebhookSettings | null> {
    const loading = this.loading.get(id) ?? this.startLoad(id);
    for (const [other, endpoint] of this.endpoints) {
      if (this.loading.has(other) || now - endpoint.loadedAt < SETTINGS_TTL_MS / 2 || now - endpoint.usedAt > SETTINGS_TTL_MS) continue;
      this.startLoad(other).then(
        (settings) => this.apply(other, settings, now, false),
        () => undefined, // a delivery that needs them reads them again, and meets the outage there
      );
    }
    return loading;
  }

  private startLoad(id: string): Promise<WebhookSettings | null> {
    const loading = this.read(id).finally(() => this.loading.delete(id));
    this.loading.set(id, loading);
    return loading;
  }

  private async read(id: string): Promise<WebhookSettings | null> {
    const found = await this.webhooks.findForDelivery(id);
    return found ? this.toSettings(found.webhook, found.signingSecrets) : null;
  }

  private toSettings(webhook: WebhookEntity, secrets: string[]): WebhookSettings {
    return {
      ...webhookTarget(webhook, secrets, this.config.HERALD_WEBHOOK_TIMEOUT_MS),
      orgId: webhook.orgId,
      retrySchedule: webhook.retrySchedule,
      clientErrorsFinal: webhook.clientErrorsFinal,
      paused: webhook.pausedAt !== null,
      consecutiveFailures: webhook.consecutiveFailures,
      pauseAfterFailures: webhook.pauseAfterFailures,
      rateLimit: webhook.rateLimit,
      ordering: webhook.ordering,
      maxInFlight: webhook.maxInFlight,
      version: webhook.updatedAt.getTime(),
    };
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [id, endpoint] of this.endpoints) if (endpoint.idleSince(now, IDLE_MS)) this.endpoints.delete(id);
  }
}
