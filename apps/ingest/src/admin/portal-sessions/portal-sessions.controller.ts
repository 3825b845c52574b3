import { Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminController, Idempotent } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ROLES } from '../auth/permissions';
import { ApiResult, JsonBody } from '../openapi/decorators';
import { ProblemError } from '../problems/problem';
import { CreatePortalSessionSchema, PortalSessionSchema, type CreatePortalSession } from './portal-session.schemas';
import { PortalSessionsService } from './portal-sessions.service';

@AdminController('portal-sessions', 'portal sessions')
export class PortalSessionsController {
  constructor(private readonly portal: PortalSessionsService) {}

  @Post()
  @RequirePermission('api-keys:write')
  @Idempotent()
  @ApiOperation({ summary: 'A one-time link into the web console for this org, as viewer or admin; valid for minutes, opens a session once' })
  @ApiResult(201, 'Created', PortalSessionSchema)
  async create(@CurrentCaller() caller: Caller, @JsonBody(CreatePortalSessionSchema) body: CreatePortalSession) {
    const missing = ROLES[body.role].find((permission) => !caller.permissions.includes(permission));
    if (missing) throw ProblemError.forbidden(missing);
    const link = await this.portal.createLink(caller.orgId, body.role, caller.keyId, body.expires_in_seconds);
    return { url: link.url, org_id: caller.orgId, role: body.role, expires_at: link.expiresAt.toISOString() };
  }
}
