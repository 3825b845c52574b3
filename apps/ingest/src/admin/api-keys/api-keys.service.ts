import { Injectable } from '@nestjs/common';
import { ulid } from 'ulid';
import { ApiKeyRepository, type ApiKeyEntity, type Page, type PageRequest } from '@herald/persistence';
import { displayPrefix, generateApiKey, hashApiKey } from '../auth/api-key-secret';
import type { Caller } from '../auth/caller';
import { ROLES, type Permission, type Role } from '../auth/permissions';
import { ProblemError } from '../problems/problem';
import type { ApiKeyView, CreateApiKey } from './api-key.schemas';

/** Issues, lists and revokes an org's API keys; the key itself exists only in the creation answer. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeyRepository) {}

  list(orgId: string, page: PageRequest): Promise<Page<ApiKeyEntity>> {
    return this.keys.listPage(orgId, page);
  }

  /** A key for `orgId` with the role's or the listed permissions. The CLI calls this to bootstrap an org's first admin key. */
  async issue(orgId: string, name: string, permissions: readonly Permission[]): Promise<{ entity: ApiKeyEntity; key: string }> {
    const key = generateApiKey();
    const entity = await this.keys.create({ id: `key_${ulid()}`, orgId, name, prefix: displayPrefix(key), keyHash: hashApiKey(key), permissions: [...new Set(permissions)] });
    return { entity, key };
  }

  /** Through the API a key can hand out only permissions it holds itself. */
  create(caller: Caller, input: CreateApiKey): Promise<{ entity: ApiKeyEntity; key: string }> {
    const permissions = input.permissions ?? ROLES[input.role as Role];
    const missing = permissions.find((p) => !caller.permissions.includes(p));
    if (missing) throw ProblemError.forbidden(missing);
    return this.issue(caller.orgId, input.name, permissions);
  }

  async revoke(orgId: string, id: string): Promise<ApiKeyEntity> {
    const revoked = await this.keys.revoke(orgId, id);
    if (!revoked) throw ProblemError.notFound('API key', id);
    return revoked;
  }
}

export function apiKeyView(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    permissions: key.permissions,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}
