import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { HealthRegistry } from './health';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly registry: Registry,
  ) {}

  @Get('healthz')
  live(@Res() res: Response): void {
    const report = this.health.report();
    res.status(report.live ? 200 : 503).json({ status: report.live ? 'ok' : 'failing', components: report.components });
  }

  @Get('readyz')
  ready(@Res() res: Response): void {
    const report = this.health.report();
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', components: report.components });
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
