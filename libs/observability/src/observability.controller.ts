import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { HealthRegistry } from './health';
import { probeAnswer } from './health-server';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly registry: Registry,
  ) {}

  @Get('healthz')
  live(@Res() res: Response): void {
    const { status, body } = probeAnswer('live', this.health.report());
    res.status(status).json(body);
  }

  @Get('readyz')
  ready(@Res() res: Response): void {
    const { status, body } = probeAnswer('ready', this.health.report());
    res.status(status).json(body);
  }

  @Get('metrics')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
