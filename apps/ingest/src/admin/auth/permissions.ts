/** What an API key may do. Reads and writes are separate so a dashboard can hold a read-only key. */
export const PERMISSIONS = [
  'webhooks:read',
  'webhooks:write',
  'email:read',
  'email:write',
  'events:read',
  'events:write',
  'deliveries:read',
  'deliveries:write',
  'api-keys:read',
  'api-keys:write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Seed 000: viewers see notification settings and the delivery log, admins change them and manage keys. */
export const ROLES = {
  admin: [...PERMISSIONS],
  viewer: ['webhooks:read', 'email:read', 'events:read', 'deliveries:read'],
} satisfies Record<string, Permission[]>;

export type Role = keyof typeof ROLES;

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
