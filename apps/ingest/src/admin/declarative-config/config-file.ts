import { parse } from 'yaml';
import { z } from 'zod';
import { CreateEmailChannelSchema } from '../email-channels/email-channel.schemas';
import { ALL_EVENT_TYPES } from '@herald/events';
import { eventTypesField } from '../subscriptions';
import { CreateWebhookSchema } from '../webhooks/webhook.schemas';

const id = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits and _ . : - only, at most 64');

/** Each declared thing has an id of its own choosing: that is what makes applying the file twice change nothing. */
export const ConfigFileSchema = z.strictObject({
  orgs: z.array(
    z.strictObject({
      id,
      name: z.string().min(1).max(200).optional(),
      /** Org-wide on/off per event type (seed 001's global toggles). */
      event_types: z.record(z.string(), z.boolean()).default({}),
      /** An omitted `events` list means every event type, those off by default included (seed 003). */
      webhooks: z.array(CreateWebhookSchema.extend({ id, events: eventTypesField.default([ALL_EVENT_TYPES]) })).default([]),
      email_channels: z.array(CreateEmailChannelSchema.extend({ id })).default([]),
    }),
  ),
});
export type ConfigFile = z.output<typeof ConfigFileSchema>;
export type DeclaredWebhook = ConfigFile['orgs'][number]['webhooks'][number];
export type DeclaredEmailChannel = ConfigFile['orgs'][number]['email_channels'][number];

export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

/**
 * Replaces `${NAME}` in every string with the environment variable, so secrets stay out of the
 * file; `$${` writes a literal `${`. A variable that is not set is an error naming where it is used.
 */
export function substituteEnv(value: unknown, env: Record<string, string | undefined>, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, escaped: string, name: string) => {
      if (escaped) return `\${${name}}`;
      const found = env[name];
      if (found === undefined) throw new ConfigFileError(`${path || '(root)'}: environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substituteEnv(item, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, path ? `${path}.${key}` : key)]));
  }
  return value;
}

/** Parses and validates the YAML text; every error names the place in the file. */
export function parseConfigFile(text: string, env: Record<string, string | undefined> = process.env): ConfigFile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new ConfigFileError(`not valid YAML: ${(error as Error).message}`);
  }
  const parsed = ConfigFileSchema.safeParse(substituteEnv(raw, env));
  if (!parsed.success) {
    throw new ConfigFileError(parsed.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}

export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '') || '(root)';
}
