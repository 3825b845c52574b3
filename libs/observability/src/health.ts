import { Injectable } from '@nestjs/common';

export interface ComponentHealth {
  ready: boolean;
  live: boolean;
}

/** Components (consumers, producer, database) report here; /healthz and /readyz read it. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => ComponentHealth | Promise<ComponentHealth>>();

  register(name: string, check: () => ComponentHealth | Promise<ComponentHealth>): void {
    this.checks.set(name, check);
  }

  async report(): Promise<{ ready: boolean; live: boolean; components: Record<string, ComponentHealth> }> {
    const components: Record<string, ComponentHealth> = {};
    for (const [name, check] of this.checks) {
      try {
        components[name] = await check();
      } catch {
        components[name] = { ready: false, live: false };
      }
    }
    const all = Object.values(components);
    return { ready: all.every((c) => c.ready), live: all.every((c) => c.live), components };
  }
}
