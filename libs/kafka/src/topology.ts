import type { Admin, ITopicConfig } from 'kafkajs';

/** Herald's public topics (DESIGN.md). Names are a contract: producers outside Herald use them. */
export const Topics = {
  events: 'herald.events.v1',
  accepted: 'herald.events.accepted.v1',
  eventsDlq: 'herald.events.dlq.v1',
  webhookDeliveries: 'herald.deliveries.webhook.v1',
  emailDeliveries: 'herald.deliveries.email.v1',
  dead: 'herald.deliveries.dead.v1',
  /** Delivery jobs quarantined by a sender or the retry-scheduler: they failed in a way that repeats. */
  deliveriesDlq: 'herald.deliveries.dlq.v1',
} as const;

/**
 * Where a consumed message whose failure repeats is quarantined, by the topic it was consumed from: events
 * on the events DLQ, delivery jobs on the deliveries DLQ. Retry tiers hold delivery jobs.
 */
const QUARANTINE_TOPICS: Record<string, typeof Topics.eventsDlq | typeof Topics.deliveriesDlq> = {
  [Topics.events]: Topics.eventsDlq,
  [Topics.webhookDeliveries]: Topics.deliveriesDlq,
  [Topics.emailDeliveries]: Topics.deliveriesDlq,
};

export function quarantineTopicFor(sourceTopic: string): typeof Topics.eventsDlq | typeof Topics.deliveriesDlq {
  return QUARANTINE_TOPICS[sourceTopic] ?? Topics.deliveriesDlq;
}

/** Header names Herald sets on its own messages. */
export const Headers = {
  /** Why a message went to a DLQ / dead-letter topic. */
  reason: 'herald-reason',
  /** Epoch ms at which a retry becomes due. */
  dueAt: 'herald-due-at',
  /** Topic a retry goes back to when due. */
  returnTo: 'herald-return-to',
  /** On a delivery job: its event's ordering key, empty when it has none (read to place the job without parsing it). */
  orderingKey: 'herald-ordering-key',
  /** Topic a DLQ'd message came from. */
  sourceTopic: 'herald-source-topic',
  /** Partition and offset a quarantined message was consumed from. */
  sourcePartition: 'herald-source-partition',
  sourceOffset: 'herald-source-offset',
  /** The last error of a quarantined message (message text, truncated). */
  error: 'herald-error',
  /** How many attempts failed before it was quarantined. */
  attempts: 'herald-attempts',
  /** Set when the message was too large to quarantine whole: its size; the value stays at its source position. */
  valueOmitted: 'herald-value-omitted',
} as const;

/** One backoff step: a topic that holds retries for about this long. */
export interface RetryTier {
  name: string;
  delayMs: number;
  topic: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `5s`, `2m`, `1h`, `1d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a duration like 5s, 2m or 1h`);
  return Number(match[1]) * UNITS[match[2]];
}

export function retryTiers(names: readonly string[]): RetryTier[] {
  return [...new Set(names)]
    .map((name) => ({ name, delayMs: parseDuration(name), topic: `herald.retry.${name}.v1` }))
    .sort((a, b) => a.delayMs - b.delayMs);
}

/**
 * The tier a retry due in `delayMs` waits in: the longest tier not longer than the delay, so a
 * message never sits behind others due much later. The scheduler holds it until its exact due time.
 */
export function tierFor(delayMs: number, tiers: readonly RetryTier[]): RetryTier {
  if (tiers.length === 0) throw new Error('no retry tiers configured');
  let chosen = tiers[0];
  for (const tier of tiers) if (tier.delayMs <= delayMs) chosen = tier;
  return chosen;
}

export interface TopologyOptions {
  partitions: number;
  replicationFactor: number;
  tiers: readonly RetryTier[];
}

export function topicConfigs({ partitions, replicationFactor, tiers }: TopologyOptions): ITopicConfig[] {
  const names = [...Object.values(Topics), ...tiers.map((t) => t.topic)];
  // The producer waits for acks from all in-sync replicas; that survives a broker loss only while the
  // in-sync set cannot shrink to the leader alone. With three replicas, two must confirm every write.
  const configEntries = replicationFactor >= 3 ? [{ name: 'min.insync.replicas', value: '2' }] : [];
  return names.map((topic) => ({ topic, numPartitions: partitions, replicationFactor, configEntries }));
}

/** Creates whatever topics are missing; safe to run from every service at every start. */
export async function ensureTopics(admin: Admin, options: TopologyOptions): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topicConfigs(options).filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another replica may have created them between our list and create: fine if all exist now.
    const now = new Set(await admin.listTopics());
    if (missing.some((t) => !now.has(t.topic))) throw error;
  }
  return missing.map((t) => t.topic);
}
