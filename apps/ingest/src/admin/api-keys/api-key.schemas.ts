import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../auth/permissions';
import { listSchema, timestamp } from '../openapi/common-schemas';
import { requestSchema, responseSchema } from '../openapi/schemas';

export const CreateApiKeySchema = requestSchema(
  'CreateApiKey',
  z
    .strictObject({
      name: z.string().max(200).default(''),
      role: z.enum(Object.keys(ROLES) as [keyof typeof ROLES]).optional().describe('A preset: admin (every permission) or viewer (read only)'),
      permissions: z.array(z.enum(PERMISSIONS)).min(1).optional().describe('Exactly these permissions, instead of a role'),
    })
    .refine((body) => (body.role === undefined) !== (body.permissions === undefined), { message: 'give either role or permissions', path: ['role'] }),
  'A new key can have only permissions the creating key has',
);
export type CreateApiKey = z.output<typeof CreateApiKeySchema>;

export const ApiKeySchema = responseSchema(
  'ApiKey',
  z.object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to tell keys apart'),
    permissions: z.array(z.string()),
    created_at: timestamp,
    last_used_at: timestamp.nullable().describe('Updated at most once a minute'),
    revoked_at: timestamp.nullable(),
  }),
);
export type ApiKeyView = z.output<typeof ApiKeySchema>;

export const CreatedApiKeySchema = responseSchema('CreatedApiKey', ApiKeySchema.extend({ key: z.string().describe('The key: shown now and never again') }));

export const ApiKeyListSchema = listSchema('ApiKeyList', ApiKeySchema);
