import { z } from 'zod';
import { ROLES } from '../auth/permissions';
import { timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';

export const CreatePortalSessionSchema = requestSchema(
  'CreatePortalSession',
  z.strictObject({
    role: z.enum(Object.keys(ROLES) as [keyof typeof ROLES]).describe('viewer sees everything and changes nothing; admin does what an admin key does'),
    expires_in_seconds: z.number().int().min(30).max(3600).optional().describe('How long the link may wait to be opened; default HERALD_PORTAL_LINK_TTL (5m)'),
  }),
  'The key can hand out only a role whose permissions it has itself',
);
export type CreatePortalSession = z.output<typeof CreatePortalSessionSchema>;

export const PortalSessionSchema = responseSchema(
  'PortalSession',
  z.object({
    url: z.string().describe('Open (or embed) this link once: it signs the browser in to the console and stops working'),
    org_id: z.string(),
    role: z.string(),
    expires_at: timestamp.describe('Until then the link can be opened; the session it opens lasts HERALD_PORTAL_SESSION_TTL'),
  }),
);
