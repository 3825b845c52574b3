import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((part) => part.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/**
 * `500ms`, `5s`, `2m`, `1h`, parsed once at load into milliseconds. A bare number is milliseconds: Nest's
 * ConfigModule writes parsed values back into process.env, so the parsed form must parse again to itself.
 */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)?$/, 'looks like 500ms, 5s, 2m or 1h')
  .transform((text) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h)?$/.exec(text)!;
    return Number(amount) * DURATION_UNITS[unit ?? 'ms'];
  });

/** An OTLP endpoint; empty is unset, as the OpenTelemetry specification reads its variables (compose's `${VAR:-}`). */
const otlpEndpoint = z.preprocess((value) => (value === '' ? undefined : value), z.url({ protocol: /^https?$/ }).optional());
/** OTLP over HTTP, protobuf (the specification's default) or JSON; Herald ships no gRPC exporter. */
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], { error: 'must be http/protobuf or http/json (grpc is not supported: use the collector\'s HTTP port, 4318)' });

/**
 * Every setting Herald reads from the environment, validated once at start so a typo fails
 * fast with the variable's name instead of misbehaving later.
 */
export const ConfigSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * When set, /healthz and /readyz are also answered on this port, from a thread of their own that a busy event
   * loop does not delay (Kubernetes probes use it); they fail once the service has not reported for
   * HERALD_HEALTH_STALE_AFTER.
   */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HERALD_HEALTH_STALE_AFTER: duration.default(5_000),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  LOG_FORMAT: z.enum(['json', 'text']).default('json'),
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().default('herald'),
  /** Prefix for consumer group ids, so two deployments can share a cluster. */
  KAFKA_GROUP_PREFIX: z.string().default('herald'),
  /** TLS to the brokers (Strimzi's `tls` listener, managed Kafka); the CA file when the brokers' CA is not public. */
  KAFKA_SSL: bool.default(false),
  KAFKA_SSL_CA_FILE: z.string().optional(),
  /** A client certificate and its key (PEM files) for mutual TLS, e.g. a Strimzi KafkaUser of type `tls`. */
  KAFKA_SSL_CERT_FILE: z.string().optional(),
  KAFKA_SSL_KEY_FILE: z.string().optional(),
  /** SASL authentication; the username and password are then required. */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/herald'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).default(20),
  /**
   * The statements on the path of every event and delivery as named prepared statements, planned once per connection.
   * Turn off behind a transaction-mode pooler that does not track them (PgBouncer before 1.21, or with
   * max_prepared_statements = 0).
   */
  DATABASE_PREPARED_STATEMENTS: bool.default(true),
  /** JSON array of extra event type definitions appended to the built-in catalog. */
  HERALD_EVENT_TYPES: z.string().optional(),
  /** Deployment-wide brand for signature headers, e.g. `X-OEC-`. */
  HERALD_HEADER_PREFIX: z.string().regex(/^[A-Za-z0-9-]+-$/, 'must end with "-"').default('X-Herald-'),
  /** Lets deliveries reach loopback receivers (tests, local demo). Off in production. */
  HERALD_ALLOW_LOOPBACK_DESTINATIONS: bool.default(false),
  HERALD_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Circuit breaker per endpoint: opens when this share of recent attempts failed… */
  HERALD_BREAKER_ERROR_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** …over at least this many attempts within the rolling window… */
  HERALD_BREAKER_VOLUME: z.coerce.number().int().min(1).default(10),
  HERALD_BREAKER_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  /** …and lets one probe through after this long. */
  HERALD_BREAKER_RESET_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * It also opens after this many attempts in a row that got no answer (timeouts, refused or reset connections),
   * whatever the volume: a hanging endpoint fails fast after N timeouts instead of holding its deliveries N × timeout.
   */
  HERALD_BREAKER_CONSECUTIVE_FAILURES: z.coerce.number().int().min(1).default(3),
  /**
   * Deliveries of one endpoint waiting in a sender partition beyond which, once the partition is crowded (below), further
   * ones leave it through the retry tiers (not an attempt) and come back in order, if that endpoint is what crowds it
   * (two thirds of its unfinished deliveries, or none finished for a second): a slow endpoint never holds up the partition.
   */
  HERALD_ENDPOINT_MAX_QUEUED: z.coerce.number().int().min(1).default(1000),
  /**
   * Unfinished deliveries in a sender partition from which an endpoint over HERALD_ENDPOINT_MAX_QUEUED that crowds it
   * spills; below it endpoints' backlogs wait in the partition, side by side. Fetching waits at 2,000.
   */
  HERALD_ENDPOINT_SPILL_CROWDED_AT: z.coerce.number().int().min(1).max(2_000).default(1_800),
  /** How long a delivery that left its partition that way waits before it comes back (a retry tier's delay). */
  HERALD_ENDPOINT_SPILL_DELAY: duration.default(5_000),
  /** Delivery attempts older than this many days are deleted from the log. */
  /**
   * Opt-in: label failed attempts with their org and destination id (herald_destination_failures_total), for at
   * most this many destinations per sender process; failures of further destinations count as "other". 0: off.
   */
  HERALD_METRICS_FAILING_DESTINATIONS: z.coerce.number().int().min(0).max(1000).default(0),
  HERALD_ATTEMPT_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Retry tiers: one topic per delay. Every webhook schedule must use delays from this list. */
  HERALD_RETRY_TIERS: csv.default(['1s', '2s', '4s', '5s', '30s', '2m', '5m', '10m', '30m', '1h', '2h', '6h']),
  /** How often the retry-scheduler looks for replays to run, and re-checks a replay whose destination is paused. */
  HERALD_REPLAY_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** AES-256-GCM keys for secrets at rest, `id:base64(32 bytes)`, current first (read by libs/persistence). */
  HERALD_ENCRYPTION_KEYS: z.string().optional(),
  /**
   * Opt-in: a consumer fetches at most this often while events keep coming, so each fetch, and the insert and produce
   * request it causes, carries more of them: less CPU at a steady rate for up to this much more latency per event
   * (docs/performance.md, "A fetch linger"). An idle consumer still takes an event at once. 0: fetch again at once.
   */
  HERALD_FETCH_LINGER: duration.pipe(z.number().max(1_000, 'at most 1s: longer only adds latency')).default(0),
  /** Liveness fails when a consumer with work made no progress for this long. */
  HERALD_STALL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** The deployment's SMTP server as one URL: smtp://user:password@host:587 (STARTTLS), smtps://… (implicit TLS)… */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^/]+\/?$/, 'must look like smtp://user:password@host:port or smtps://…').optional(),
  /** …or in parts. Email channels with their own SMTP host use theirs instead. */
  SMTP_HOST: z.string().optional(),
  /** Default 587, or 465 with SMTP_SECURITY=tls. */
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  /** starttls (required; the default), tls (implicit, port 465) or none. */
  SMTP_SECURITY: z.enum(['starttls', 'tls', 'none']).optional(),
  /** Sender of every email sent through the deployment's server, e.g. `Herald <alerts@example.com>`. */
  SMTP_FROM: z.string().optional(),
  /** Connection, greeting and idle-socket timeout of one SMTP attempt. */
  HERALD_SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Delays between email attempts; its length is the number of retries. */
  HERALD_EMAIL_RETRY_SCHEDULE: csv
    .pipe(z.array(z.string().regex(/^\d+(ms|s|m|h|d)$/, 'each delay looks like 5s, 2m or 1h')))
    .default(['5s', '30s', '2m', '10m', '1h', '6h']),
  /** Where people manage their notifications; emails link to `<this>/settings/notifications`. */
  HERALD_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  /** Admin API: requests per API key per minute, across every ingest replica (counted in Postgres). */
  HERALD_API_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  /** Admin API: webhook creations, edits, deletions, tests, rotations and resumes per API key per minute (seed 000). */
  HERALD_API_WEBHOOK_MUTATION_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Per-org limits (seed 000). */
  HERALD_MAX_WEBHOOKS_PER_ORG: z.coerce.number().int().min(1).default(100),
  HERALD_MAX_EVENTS_PER_WEBHOOK: z.coerce.number().int().min(1).default(10),
  HERALD_MAX_EMAIL_CHANNELS_PER_ORG: z.coerce.number().int().min(1).default(10),
  HERALD_MAX_RECIPIENTS_PER_CHANNEL: z.coerce.number().int().min(1).default(20),
  HERALD_MAX_EVENTS_PER_CHANNEL: z.coerce.number().int().min(1).default(10),
  /** How long a rotated-out webhook secret keeps signing beside the new one, e.g. 24h, 30m, 0s. */
  HERALD_SECRET_ROTATION_GRACE: z.string().regex(/^\d+(ms|s|m|h|d)$/, 'looks like 24h, 30m or 0s').default('24h'),
  /** A YAML file declaring orgs, webhooks, email channels and event toggles, applied when ingest starts. */
  HERALD_CONFIG_FILE: z.string().optional(),
  /** The web console as its users reach it (behind a proxy, the public address); portal links point here. */
  HERALD_CONSOLE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000/console'),
  /** Branding of the console: the product name in its header and title… */
  HERALD_CONSOLE_NAME: z.string().min(1).max(60).default('Herald'),
  /** …and its accent colour (buttons, links, focus ring), as #rrggbb. */
  HERALD_CONSOLE_ACCENT: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'looks like #4f46e5').default('#4f46e5'),
  /** Which pages may frame the console (CSP frame-ancestors), e.g. `https://app.example.com`; default none but itself. */
  HERALD_CONSOLE_FRAME_ANCESTORS: z.string().regex(/^[^;,]+$/, 'space-separated sources, no ; or ,').default("'self'"),
  /** How long a portal link may wait to be opened, and how long the session it opens lasts. */
  HERALD_PORTAL_LINK_TTL: z.string().regex(/^\d+(s|m|h)$/, 'looks like 5m').default('5m'),
  HERALD_PORTAL_SESSION_TTL: z.string().regex(/^\d+(m|h|d)$/, 'looks like 8h').default('8h'),
  /**
   * Traces (OpenTelemetry's standard variables): exported over OTLP/HTTP only when one of the endpoints is set. The
   * exporter reads its own OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, _TIMEOUT, _COMPRESSION and certificate variables.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  /** `none` turns exporting off while the endpoint stays configured. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  OTEL_SDK_DISABLED: bool.default(false),
  OTEL_TRACES_SAMPLER: z.enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio']).default('parentbased_always_on'),
  /** The ratio of the *traceidratio samplers, 0 to 1. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Batch span processor: delay between exports (ms), spans queued at most (more are dropped), spans per export. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).default(5000),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).default(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).default(512),
  /** Extra resource attributes, `key=value,key2=value2` (e.g. deployment.environment.name=prod). */
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
});

export type HeraldConfig = z.infer<typeof ConfigSchema>;

/** Parses the environment; throws one error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): HeraldConfig {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return result.data;
}
