import { Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { z } from 'zod';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiProblems, ApiResult, JsonBody, JsonQuery } from '../openapi/decorators';
import { listResponse, PageQuerySchema } from '../pagination/cursor';
import { ApiKeyListSchema, ApiKeySchema, CreateApiKeySchema, CreatedApiKeySchema, type CreateApiKey } from './api-key.schemas';
import { apiKeyView, ApiKeysService } from './api-keys.service';

@AdminController('api-keys', 'api keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @RequirePermission('api-keys:read')
  @ApiOperation({ summary: "List the org's API keys, revoked ones included, oldest first" })
  @ApiResult(200, 'A page of API keys', ApiKeyListSchema)
  @ApiProblems(400)
  async list(@CurrentCaller() caller: Caller, @JsonQuery(PageQuerySchema) query: z.output<typeof PageQuerySchema>) {
    return listResponse(await this.keys.list(caller.orgId, { limit: query.limit, after: query.cursor }), apiKeyView);
  }

  @Post()
  @RequirePermission('api-keys:write')
  @Idempotent()
  @ApiOperation({ summary: 'Create an API key for this org; the response carries the key, shown only this once' })
  @ApiResult(201, 'Created', CreatedApiKeySchema)
  async create(@CurrentCaller() caller: Caller, @JsonBody(CreateApiKeySchema) body: CreateApiKey) {
    const { entity, key } = await this.keys.create(caller, body);
    return { ...apiKeyView(entity), key };
  }

  @Delete(':id')
  @RequirePermission('api-keys:write')
  @Idempotent()
  @ApiOperation({ summary: 'Revoke an API key: it stops working at once' })
  @ApiResult(200, 'The revoked key', ApiKeySchema)
  @ApiProblems(404)
  async revoke(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return apiKeyView(await this.keys.revoke(caller.orgId, id));
  }
}
