const INTAKE_VIOLATIONS = ['too_large', 'too_deep', 'invalid_utf8', 'nul_character', 'lone_surrogate', 'number_out_of_range'] as const;
/** Which intake limit an event broke (libs/events/src/intake-limits.ts). */
export type IntakeViolation = (typeof INTAKE_VIOLATIONS)[number];

const REJECTION_CODES = [...INTAKE_VIOLATIONS, 'unknown_type', 'unknown_org', 'unprocessable'] as const;
type RejectionCode = (typeof REJECTION_CODES)[number];

/** The envelope's top-level fields: a field outside them never becomes a metric label. */
const ENVELOPE_FIELDS = new Set(['id', 'type', 'org_id', 'project_id', 'occurred_at', 'data']);

/** Every value InvalidEventError.category can take: the reasons a rejection metric starts at zero for. */
export const REJECTION_CATEGORIES: readonly string[] = [...REJECTION_CODES, 'malformed', 'invalid', ...[...ENVELOPE_FIELDS].map((field) => `invalid_${field}`)];

/** Bad input, naming the field at fault; mapped to a DLQ reason or an RFC 9457 problem. */
export class InvalidEventError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly code?: RejectionCode,
  ) {
    super(field ? `${field}: ${reason}` : reason);
    this.name = 'InvalidEventError';
  }

  /**
   * Which rule the event broke, from a bounded set (a metric label): an intake limit
   * (too_large, too_deep, nul_character, ...), unknown_type, unknown_org, malformed or invalid_<field>.
   */
  get category(): string {
    if (this.code) return this.code;
    if (!this.field) return 'malformed';
    const top = this.field.split('.')[0];
    return ENVELOPE_FIELDS.has(top) ? `invalid_${top}` : 'invalid';
  }
}
