import type { EventViewOptions } from './view';

/** Options every chat format takes. */
export interface ChatFormatOptions extends EventViewOptions {
  /** Most key details shown as fields before "N more fields not shown". Each format also caps it at its platform's limit. */
  maxFields?: number;
}

export const DEFAULT_MAX_FIELDS = 20;

/** "1 more field not shown" / "3 more fields not shown" */
export const moreFields = (count: number) => `${count} more field${count === 1 ? '' : 's'} not shown`;
