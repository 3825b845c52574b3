import { z } from 'zod';
import { checkValues } from '@herald/events';
import { PAGE_KEY_AT, type Page, type PageKey } from '@herald/persistence';

/**
 * Cursors are opaque to clients: base64url of the JSON array of strings that locates the last
 * row of the page. Anything that does not decode to the expected shape (including text
 * PostgreSQL cannot compare, and timestamps that do not exist) is a 400 naming `cursor`, never a
 * database error.
 */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): string[] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    checkValues(value);
    if (Array.isArray(value) && value.length === length && value.every((part) => typeof part === 'string')) return value;
  } catch {
    // not JSON, or holding a NUL or lone surrogate: answered below
  }
  return null;
}

/** A keyset cursor: the last row's (created_at, id). */
export function decodePageKey(cursor: string): PageKey | null {
  const parts = decodeCursor(cursor, 2);
  return parts && isPageKeyTime(parts[0]) ? { at: parts[0], id: parts[1] } : null;
}

/** In the canonical form, and a real instant PostgreSQL can hold (no 2026-02-30, no year 0). */
function isPageKeyTime(at: string): boolean {
  if (!PAGE_KEY_AT.test(at) || at.startsWith('0000')) return false;
  const millis = `${at.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const limit = z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe(`Page size, 1 to ${MAX_PAGE_SIZE}`);

function cursorParameter<T>(decode: (cursor: string) => T | null) {
  return z
    .string()
    .transform((value, ctx) => {
      const decoded = decode(value);
      if (decoded === null) ctx.addIssue({ code: 'custom', message: 'is not a cursor this API returned' });
      return decoded ?? z.NEVER;
    })
    .optional()
    .describe('next_cursor of the previous page');
}

/** `limit` and `cursor` of every list kept in the database. */
export const pageQuery = { limit, cursor: cursorParameter(decodePageKey) };

/** `limit` and `cursor` of a list ordered by one name (the event catalog). */
export const namePageQuery = { limit, cursor: cursorParameter((cursor) => decodeCursor(cursor, 1)?.[0] ?? null) };

export const PageQuerySchema = z.object(pageQuery);

/** A page as the API answers it. */
export function listResponse<T, V>(page: Page<T>, view: (item: T) => V): { data: V[]; next_cursor: string | null } {
  return { data: page.items.map(view), next_cursor: page.next ? encodeCursor([page.next.at, page.next.id]) : null };
}
