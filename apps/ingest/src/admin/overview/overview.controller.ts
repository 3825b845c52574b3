import { Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminController } from '../admin-controller.decorator';
import { RequirePermission } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ApiResult } from '../openapi/decorators';
import { OverviewSchema } from './overview.schemas';
import { OverviewService } from './overview.service';

@AdminController('overview', 'deliveries')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @RequirePermission('deliveries:read')
  @ApiOperation({ summary: "The org's last 24 hours: deliveries per hour by status, success rate, held deliveries, each destination's record" })
  @ApiResult(200, 'The overview', OverviewSchema)
  get(@CurrentCaller() caller: Caller) {
    return this.overview.overview(caller.orgId);
  }
}
