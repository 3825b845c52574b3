import { z } from 'zod';

export interface SchemaMeta {
  id: string;
  description?: string;
}

/**
 * Every named request and response schema of the admin API. The same zod schemas validate
 * requests at run time and become the OpenAPI document's components, so the two cannot drift.
 */
export const requestSchemas = z.registry<SchemaMeta>();
export const responseSchemas = z.registry<SchemaMeta>();

export function requestSchema<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  requestSchemas.add(schema, { id, description });
  return schema;
}

export function responseSchema<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  responseSchemas.add(schema, { id, description });
  return schema;
}

const registries = [requestSchemas, responseSchemas] as const;

/** `$ref` to a registered schema's component. */
export function refTo(schema: z.ZodType): { $ref: string } {
  for (const registry of registries) {
    const meta = registry.get(schema);
    if (meta) return { $ref: `#/components/schemas/${meta.id}` };
  }
  throw new Error('schema is not registered: give it an id with requestSchema() or responseSchema()');
}

type JsonSchema = Record<string, unknown>;

/** A schema as OpenAPI 3.0 wants it, registered parts as references. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return clean(z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', metadata: io === 'input' ? requestSchemas : responseSchemas }) as JsonSchema);
}

/** The components section: requests as clients send them (defaults optional), responses as Herald writes them. */
export function openApiComponents(): Record<string, JsonSchema> {
  const convert = (registry: typeof requestSchemas, io: 'input' | 'output') =>
    (z.toJSONSchema(registry, { target: 'openapi-3.0', io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonSchema> }).schemas;
  const all = { ...convert(requestSchemas, 'input'), ...convert(responseSchemas, 'output') };
  return Object.fromEntries(Object.entries(all).map(([id, schema]) => [id, clean(schema)]));
}

/** Drops JSON Schema keywords OpenAPI 3.0 does not know. */
function clean(schema: JsonSchema): JsonSchema {
  const { $id: _id, $schema: _schema, id: _metaId, ...rest } = schema;
  return rest;
}
