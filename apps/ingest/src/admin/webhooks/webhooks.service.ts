import { Inject, Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { HERALD_CONFIG, type HeraldConfig } from '@herald/config';
import { EventCatalog } from '@herald/events';
import { parseDuration } from '@herald/kafka';
import type { WebhookFormat } from '@herald/formatters';
import { WebhookRepository, type NewWebhook, type Page, type PageRequest, type StaticHeader, type WebhookEntity } from '@herald/persistence';
import { generateSecret, graceExpiry, isValidSecret, type SignatureScheme } from '@herald/signing';
import { checkResolvedDestination, UnsafeDestinationError } from '@herald/webhook-transport';
import { ProblemError } from '../problems/problem';
import { checkEventTypes } from '../subscriptions';
import type { CreateWebhook, RotateSecret, StaticHeaderInput, UpdateWebhook, WebhookView } from './webhook.schemas';
import { wireContractError, wireContractProblem } from './wire-contract';

/** Hex-scheme secrets chosen by users (seed 003's `my-shared-secret`) must be at least this long. */
const MIN_CUSTOM_SECRET_LENGTH = 16;

/** Webhook settings and signing secrets for one org at a time; another org's webhook is never found. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly catalog: EventCatalog,
    @Inject(HERALD_CONFIG) private readonly config: HeraldConfig,
  ) {}

  list(orgId: string, page: PageRequest): Promise<Page<WebhookEntity>> {
    return this.webhooks.listPage(orgId, page);
  }

  async get(orgId: string, id: string): Promise<WebhookEntity> {
    const webhook = await this.webhooks.findForOrg(orgId, id);
    if (!webhook) throw ProblemError.notFound('webhook', id);
    return webhook;
  }

  /** Creates the webhook and returns it with its secret, which is never shown again. */
  async create(orgId: string, input: CreateWebhook, id = `wh_${ulid()}`): Promise<{ webhook: WebhookEntity; secret: string }> {
    const secret = input.secret ?? generateSecret();
    checkSecret(secret, input.signing_scheme);
    const { secret: _shown, ...settings } = input;
    const changes = await this.settings(settings, null);
    const webhook = await this.webhooks.create({ ...changes, id, orgId, url: input.url }, secret, this.config.HERALD_MAX_WEBHOOKS_PER_ORG);
    return { webhook, secret };
  }

  async update(orgId: string, id: string, input: UpdateWebhook): Promise<WebhookEntity> {
    const webhook = await this.get(orgId, id);
    if (input.signing_scheme === 'standard' && webhook.signingScheme !== 'standard') {
      // A secret chosen for a hex scheme may not be a standard-scheme key: signing would fail at send time.
      const secrets = await this.webhooks.signingSecrets(id);
      if (!secrets.every((secret) => isValidSecret(secret))) {
        throw ProblemError.invalidField('signing_scheme', 'the current secret is not a whsec_ key; rotate it (rotate-secret with grace_seconds 0) before switching to standard');
      }
    }
    await this.webhooks.update(id, await this.settings(input, webhook));
    return this.get(orgId, id);
  }

  async remove(orgId: string, id: string): Promise<void> {
    if (!(await this.webhooks.softDelete(orgId, id))) throw ProblemError.notFound('webhook', id);
  }

  /** A new secret signs from now on; the old ones keep signing beside it until the grace window closes. */
  async rotateSecret(orgId: string, id: string, input: RotateSecret): Promise<{ secret: string; previousExpireAt: Date }> {
    const webhook = await this.get(orgId, id);
    const secret = input.secret ?? generateSecret();
    checkSecret(secret, webhook.signingScheme);
    const graceMs = input.grace_seconds !== undefined ? input.grace_seconds * 1000 : parseDuration(this.config.HERALD_SECRET_ROTATION_GRACE);
    const previousExpireAt = graceExpiry(new Date(), graceMs);
    await this.webhooks.rotateSecret(id, secret, previousExpireAt);
    return { secret, previousExpireAt };
  }

  /** Checks what the client set (against what is stored, for a change) and turns it into column values. */
  private async settings(input: UpdateWebhook, stored: WebhookEntity | null): Promise<Partial<NewWebhook>> {
    if (input.url !== undefined) await this.checkUrl(input.url);
    const events = input.events && checkEventTypes(input.events, this.catalog, this.config.HERALD_MAX_EVENTS_PER_WEBHOOK);
    const changes: Partial<NewWebhook> = {
      url: input.url,
      description: input.description,
      format: input.format,
      signingScheme: input.signing_scheme,
      eventTypes: events,
      projectIds: input.project_ids && [...new Set(input.project_ids)],
      filter: input.filter,
      enabled: input.enabled,
      retrySchedule: input.retry_schedule,
      timeoutMs: input.timeout_ms,
      rateLimit: input.rate_limit,
      clientErrorsFinal: input.client_errors_final,
      ordering: input.ordering,
      maxInFlight: input.max_in_flight,
      pauseAfterFailures: input.pause_after_failures,
      signatureHeader: input.signature_header,
      timestampHeader: input.timestamp_header,
      eventHeader: input.event_header,
      staticHeaders: input.headers && staticHeaders(input.headers, stored?.staticHeaders ?? []),
      payloadTemplate: input.payload_template,
      integrationKey: input.integration_key,
      dedupKey: input.dedup_key,
    };
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<NewWebhook>;
    this.checkWireContract({ ...stored, ...defined });
    return defined;
  }

  /** The header names, static headers, template and key as they would be after the change. */
  private checkWireContract(webhook: Partial<NewWebhook>): void {
    const problem = wireContractProblem(
      {
        format: (webhook.format ?? 'raw') as WebhookFormat,
        signingScheme: (webhook.signingScheme ?? 'standard') as SignatureScheme,
        signatureHeader: webhook.signatureHeader ?? null,
        timestampHeader: webhook.timestampHeader ?? null,
        eventHeader: webhook.eventHeader ?? null,
        staticHeaders: webhook.staticHeaders ?? [],
        payloadTemplate: webhook.payloadTemplate ?? null,
        dedupKey: webhook.dedupKey ?? null,
        integrationKey: webhook.integrationKey ?? null,
      },
      this.config.HERALD_HEADER_PREFIX,
    );
    if (problem) throw wireContractError(problem);
  }

  /** The sender's own rule, checked now too: https, and every address the name resolves to public. */
  private async checkUrl(url: string): Promise<void> {
    try {
      await checkResolvedDestination(url, { allowLoopback: this.config.HERALD_ALLOW_LOOPBACK_DESTINATIONS });
    } catch (error) {
      if (error instanceof UnsafeDestinationError) throw ProblemError.invalidField('url', error.message);
      throw error;
    }
  }
}

/** The stored form of the headers given; a secret header given without a value keeps its stored one. */
function staticHeaders(input: readonly StaticHeaderInput[], stored: readonly StaticHeader[]): StaticHeader[] {
  return input.map((header, index) => {
    const kept = header.value === undefined && header.secret ? stored.find((s) => s.secret && s.name.toLowerCase() === header.name.toLowerCase()) : undefined;
    const value = header.value ?? kept?.value;
    if (value === undefined) throw ProblemError.invalidField(`headers.${index}.value`, header.secret ? 'is required (no stored secret header of this name to keep)' : 'is required');
    return { name: header.name, value, secret: header.secret };
  });
}

function checkSecret(secret: string, scheme: string): void {
  if (scheme === 'standard' ? !isValidSecret(secret) : secret.length < MIN_CUSTOM_SECRET_LENGTH) {
    const rule = scheme === 'standard' ? 'must be whsec_ followed by base64 of 24 to 64 bytes for the standard scheme' : `must be at least ${MIN_CUSTOM_SECRET_LENGTH} characters`;
    throw ProblemError.invalidField('secret', rule);
  }
}

export function webhookView(webhook: WebhookEntity): WebhookView {
  return {
    id: webhook.id,
    url: webhook.url,
    description: webhook.description,
    format: webhook.format,
    signing_scheme: webhook.signingScheme,
    events: webhook.eventTypes,
    project_ids: webhook.projectIds,
    filter: webhook.filter,
    enabled: webhook.enabled,
    paused: webhook.pausedAt !== null,
    paused_at: webhook.pausedAt?.toISOString() ?? null,
    consecutive_failures: webhook.consecutiveFailures,
    retry_schedule: webhook.retrySchedule,
    timeout_ms: webhook.timeoutMs,
    rate_limit: webhook.rateLimit,
    client_errors_final: webhook.clientErrorsFinal,
    ordering: webhook.ordering,
    max_in_flight: webhook.maxInFlight,
    pause_after_failures: webhook.pauseAfterFailures,
    signature_header: webhook.signatureHeader,
    timestamp_header: webhook.timestampHeader,
    event_header: webhook.eventHeader,
    headers: webhook.staticHeaders.map((h) => ({ name: h.name, value: h.secret ? null : h.value, secret: h.secret })),
    payload_template: webhook.payloadTemplate,
    dedup_key: webhook.dedupKey,
    integration_key_set: webhook.integrationKey !== null,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
}
