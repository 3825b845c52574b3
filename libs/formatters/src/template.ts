import jsonata from 'jsonata';
import type { EventTypeDefinition, HeraldEvent } from '@herald/events';
import { eventTitle } from './view';

/**
 * Payload templates: a JSONata expression per webhook turns the event into the body its receiver
 * expects. JSONata is a JSON-to-JSON language with no access to the host (no require, no I/O, no
 * globals); evaluation is bounded in time, stack depth and sequence length by JSONata's own
 * guardrails, and the output in bytes by the caller (see TEMPLATE_LIMITS).
 *
 * The expression sees the event as it was accepted (`id`, `type` as the producer spelt it,
 * `created_at`, `occurred_at`, `org_id`, `project_id`, `data`) and these variables:
 * `$canonicalType` (the catalog type an alias stands for), `$severity`, `$category`, `$title`
 * (the human title chat messages show) and `$orNull(value)` (the value, or null when absent).
 *
 * `preset:<name>` instead of an expression names one of PRESET_TEMPLATES.
 */

export const TEMPLATE_LIMITS = {
  /** Longest a template may be, in characters. */
  maxSourceLength: 16_384,
  /** Evaluation stops with an error past this. */
  timeoutMs: 250,
  /** Deepest evaluation stack (recursion). */
  maxDepth: 200,
  /** Longest sequence (array) any step may build. */
  maxSequence: 10_000,
  /** Largest body a template may produce, in bytes of compact JSON. */
  maxOutputBytes: 256 * 1024,
} as const;

const PRESET_PREFIX = 'preset:';

/** Ready-made templates for the seeds' wire contracts (docs/migrating/). */
export const PRESET_TEMPLATES: Readonly<Record<string, string>> = {
  /** oec.sh / OEC.sh public API (seeds 000, 002): `{ id, type, created_at, data }`. */
  oec: `{ "id": id, "type": type, "created_at": created_at, "data": data }`,
  /** Reoclo (seed 001): `{ tenant_id, event, subject, body, metadata, timestamp }`. */
  reoclo: `{
  "tenant_id": org_id,
  "event": type,
  "subject": $exists(data.subject) ? data.subject : $title,
  "body": $exists(data.body) ? data.body : "",
  "metadata": $exists(data.metadata) ? data.metadata : {},
  "timestamp": occurred_at
}`,
  /** oxo-flow (seed 003): `{ event, workflow, timestamp, rule, message, details }`; `rule` only for rule events. */
  'oxo-flow': `{
  "event": type,
  "workflow": data.workflow,
  "timestamp": occurred_at,
  "rule": data.rule,
  "message": $exists(data.message) ? data.message : $title,
  "details": $exists(data.details) ? data.details : {}
}`,
  /**
   * Versioner (seed 004): the flat deployment/build payload with its is_successful table, the DR
   * lifecycle payload and the version.approved payload, chosen by the event's type.
   */
  versioner: `(
  $t := $canonicalType;
  $family := $substringBefore($t, ".");
  $family = "dr" ? {
    "event_type": type,
    "occurred_at": occurred_at,
    "dr_id": data.dr_id,
    "dr_name": data.dr_name,
    "dr_url": data.dr_url,
    "status": data.status,
    "environment_names": $exists(data.environment_names) ? data.environment_names : [],
    "actor": $orNull(data.actor),
    "approval_type": data.approval_type,
    "approver_role": data.approver_role,
    "slot_status": data.slot_status,
    "comments": data.comments
  } : $t = "version.approved" ? {
    "event_type": type,
    "occurred_at": occurred_at,
    "version_id": data.version_id,
    "product_name": data.product_name,
    "version": data.version,
    "approval_type": data.approval_type,
    "approver_role": data.approver_role,
    "environment_name": $orNull(data.environment_name),
    "comments": $orNull(data.comments),
    "actor": $orNull(data.actor)
  } : {
    "id": data.id,
    "deployed_at": $exists(data.deployed_at) ? data.deployed_at : occurred_at,
    "event_type": type,
    "environment": data.environment,
    "is_successful": $t = "deployment.completed" ? true : $t in ["deployment.failed", "deployment.preflight_failed"] ? false : null,
    "deployer": $orNull(data.deployer),
    "product_name": $orNull(data.product_name),
    "version": $orNull(data.version),
    "repo_name": $orNull(data.repo_name),
    "commit_sha": $orNull(data.commit_sha),
    "preflight_status": $orNull(data.preflight_status),
    "source_url": $orNull(data.source_url)
  }
)`,
};

/** A template that does not parse: `position` is the character offset JSONata stopped at. */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';

  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** A template that failed on an event (runtime error, timeout, oversize or non-JSON output). */
export class TemplateEvaluationError extends Error {
  override name = 'TemplateEvaluationError';
}

interface JsonataError {
  code?: string;
  position?: number;
  message?: string;
}

/** The expression a stored template stands for; throws TemplateSyntaxError for an unknown preset. */
function templateSource(template: string): string {
  if (!template.startsWith(PRESET_PREFIX)) return template;
  const name = template.slice(PRESET_PREFIX.length);
  const source = PRESET_TEMPLATES[name];
  if (source === undefined) throw new TemplateSyntaxError(`unknown preset '${name}'; one of ${Object.keys(PRESET_TEMPLATES).join(', ')}`, PRESET_PREFIX.length);
  return source;
}

function compile(template: string): jsonata.Expression {
  if (template.length > TEMPLATE_LIMITS.maxSourceLength) throw new TemplateSyntaxError(`a template is at most ${TEMPLATE_LIMITS.maxSourceLength} characters`, TEMPLATE_LIMITS.maxSourceLength);
  const source = templateSource(template);
  try {
    return jsonata(source, { timeout: TEMPLATE_LIMITS.timeoutMs, stack: TEMPLATE_LIMITS.maxDepth, sequence: TEMPLATE_LIMITS.maxSequence } as Parameters<typeof jsonata>[1]);
  } catch (error) {
    const { message, position } = error as JsonataError;
    throw new TemplateSyntaxError(`${message ?? String(error)} (at position ${position ?? 0})`, position ?? 0);
  }
}

/** Checks a template when it is saved; throws TemplateSyntaxError naming the position. */
export function checkTemplate(template: string): void {
  compile(template);
}

const compiled = new Map<string, jsonata.Expression>();
const MAX_CACHED = 1_000;

/** Compiled once per distinct text; templates change rarely and many deliveries share one. */
function cachedExpression(template: string): jsonata.Expression {
  let expression = compiled.get(template);
  if (!expression) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    expression = compile(template);
    compiled.set(template, expression);
  }
  return expression;
}

/** Bounded `$pad`: JSONata's own would allocate any width asked for. */
const boundedPad = (text: string, width: number, char?: string) => {
  if (Math.abs(width) > TEMPLATE_LIMITS.maxOutputBytes) throw { message: `$pad width ${width} exceeds the output limit` };
  const fill = char ?? ' ';
  const missing = Math.max(0, Math.abs(width) - [...text].length);
  const padding = fill.repeat(Math.ceil(missing / Math.max(1, fill.length))).slice(0, missing);
  return width < 0 ? padding + text : text + padding;
};

/**
 * Evaluates a template on an event. The result is any JSON value (undefined, i.e. "nothing", is
 * an error). Throws TemplateEvaluationError with the reason; never anything else.
 */
export async function evaluateTemplate(template: string, event: HeraldEvent, definition: Pick<EventTypeDefinition, 'type' | 'severity' | 'category'> | undefined): Promise<unknown> {
  let expression: jsonata.Expression;
  try {
    expression = cachedExpression(template);
  } catch (error) {
    throw new TemplateEvaluationError(`template does not compile: ${(error as Error).message}`);
  }
  const bindings = {
    canonicalType: definition?.type ?? event.type,
    severity: definition?.severity ?? 'info',
    category: definition?.category ?? null,
    title: eventTitle({ type: definition?.type ?? event.type, data: event.data }),
    orNull: (value: unknown) => (value === undefined ? null : value),
    pad: boundedPad,
  };
  let result: unknown;
  try {
    result = await expression.evaluate(structuredClone(event), bindings);
  } catch (error) {
    const { code, message } = error as JsonataError;
    throw new TemplateEvaluationError(`template failed${code ? ` (${code})` : ''}: ${message ?? String(error)}`);
  }
  if (result === undefined) throw new TemplateEvaluationError('template produced nothing for this event');
  return result;
}

/** The template's body as compact JSON within the size limit; `serialize` is the caller's (canonical) JSON writer. */
export function templateBody(result: unknown, serialize: (value: unknown) => string): string {
  let body: string;
  try {
    body = serialize(result);
  } catch (error) {
    throw new TemplateEvaluationError(`template output is not JSON: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > TEMPLATE_LIMITS.maxOutputBytes) throw new TemplateEvaluationError(`template output is ${bytes} bytes, over the ${TEMPLATE_LIMITS.maxOutputBytes}-byte limit`);
  return body;
}
