import { Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { deliveryId, receives, subscriptionOf, type DestinationKind, type Subscription } from '@herald/deliveries';
import { EventCatalog } from '@herald/events';
import {
  EmailChannelRepository,
  OrgRepository,
  ReplayInProgressError,
  ReplayRepository,
  WebhookRepository,
  type BackfillPick,
  type Page,
  type PageRequest,
  type ReplayEntity,
  type ReplayProgress,
} from '@herald/persistence';
import { ProblemError } from '../problems/problem';
import type { CreateReplay, ReplayView } from './replay.schemas';

const RESOURCE: Record<DestinationKind, string> = { webhook: 'webhook', email: 'email channel' };

/** Where a replay's bounds go wrong, by field; null when they are fine. */
export function replayRangeError(since: Date, until: Date, now: Date): { field: 'since' | 'until'; message: string } | null {
  if (since.getTime() >= now.getTime()) return { field: 'since', message: 'must be in the past' };
  if (until.getTime() > now.getTime()) return { field: 'until', message: 'must not be in the future: the selection is fixed when the replay is created' };
  if (since.getTime() >= until.getTime()) return { field: 'until', message: 'must be later than since' };
  return null;
}

/** Replays of one org's webhooks and email channels: creating one fixes its selection; the retry-scheduler runs it. */
@Injectable()
export class ReplaysService {
  constructor(
    private readonly replays: ReplayRepository,
    private readonly webhooks: WebhookRepository,
    private readonly channels: EmailChannelRepository,
    private readonly orgs: OrgRepository,
    private readonly catalog: EventCatalog,
  ) {}

  async create(orgId: string, kind: DestinationKind, destinationId: string, input: CreateReplay, now = new Date()): Promise<ReplayView> {
    const destination = await this.destination(orgId, kind, destinationId);
    const since = new Date(input.since);
    const until = input.until ? new Date(input.until) : now;
    const rangeError = replayRangeError(since, until, now);
    if (rangeError) throw ProblemError.invalidField(rangeError.field, rangeError.message);
    const pick = input.deliveries === 'all' ? await this.backfillPick(orgId, subscriptionOf(kind, destination)) : () => null;
    try {
      const replay = await this.replays.create({ id: `rpl_${ulid()}`, orgId, destinationKind: kind, destinationId, selection: input.deliveries, since, until, rate: input.rate }, pick);
      return replayView(replay, { succeeded: 0, failed: 0 });
    } catch (error) {
      if (error instanceof ReplayInProgressError) throw ProblemError.conflict(`a replay of this ${RESOURCE[kind]} is already running; cancel it or wait for it to end`, { field: 'id' });
      throw error;
    }
  }

  async list(orgId: string, kind: DestinationKind, destinationId: string, page: PageRequest): Promise<Page<ReplayView>> {
    await this.destination(orgId, kind, destinationId);
    const { items, next } = await this.replays.listPage(orgId, destinationId, page);
    const progress = await this.replays.progress(items.map((r) => r.id));
    return { items: items.map((r) => replayView(r, progress.get(r.id)!)), next };
  }

  async get(orgId: string, kind: DestinationKind, destinationId: string, id: string): Promise<ReplayView> {
    await this.destination(orgId, kind, destinationId);
    return this.withProgress(await this.replays.findForDestination(orgId, destinationId, id), id);
  }

  /** Stops it: once this answers nothing more is sent (what was sent before may still be arriving). */
  async cancel(orgId: string, kind: DestinationKind, destinationId: string, id: string): Promise<ReplayView> {
    await this.destination(orgId, kind, destinationId);
    return this.withProgress(await this.replays.cancel(orgId, destinationId, id), id);
  }

  private async withProgress(replay: ReplayEntity | null, id: string): Promise<ReplayView> {
    if (!replay) throw ProblemError.notFound('replay', id);
    const progress = await this.replays.progress([replay.id]);
    return replayView(replay, progress.get(replay.id)!);
  }

  private async destination(orgId: string, kind: DestinationKind, id: string) {
    const found = kind === 'webhook' ? await this.webhooks.findForOrg(orgId, id) : await this.channels.findForOrg(orgId, id);
    if (!found) throw ProblemError.notFound(RESOURCE[kind], id);
    return found;
  }

  /**
   * A backfill takes what routing would send the destination now, by its own rule (`receives`), the org's
   * toggles included; whether it is enabled is left to the replay's run, which waits while it is not.
   */
  private async backfillPick(orgId: string, subscription: Subscription): Promise<BackfillPick> {
    const toggles = await this.orgs.eventTypeToggles(orgId);
    const enabled = { ...subscription, enabled: true };
    return (event) => (receives(event, enabled, this.catalog, toggles) ? deliveryId(event, subscription.id) : null);
  }
}

export function replayView(replay: ReplayEntity, progress: ReplayProgress): ReplayView {
  return {
    id: replay.id,
    destination: { kind: replay.destinationKind, id: replay.destinationId },
    deliveries: replay.selection,
    since: replay.since.toISOString(),
    until: replay.until.toISOString(),
    rate: replay.rate,
    state: replay.state,
    reason: replay.reason,
    total: replay.total,
    sent: replay.sent,
    succeeded: progress.succeeded,
    failed: progress.failed,
    created_at: replay.createdAt.toISOString(),
    updated_at: replay.updatedAt.toISOString(),
    finished_at: replay.finishedAt?.toISOString() ?? null,
  };
}
