import { Injectable } from '@nestjs/common';

export interface ComponentHealth {
  ready: boolean;
  live: boolean;
}

export interface HealthReport {
  ready: boolean;
  live: boolean;
  components: Record<string, ComponentHealth>;
}

/**
 * Components (consumers, producer, broker, database) report here; /healthz and /readyz read it. A check reads
 * state its component keeps up to date in the background and never waits (no query, no network per probe), so
 * probes answer in milliseconds however busy the process's pools are.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => ComponentHealth>();

  register(name: string, check: () => ComponentHealth): void {
    this.checks.set(name, check);
  }

  report(): HealthReport {
    const components: Record<string, ComponentHealth> = {};
    for (const [name, check] of this.checks) {
      try {
        components[name] = check();
      } catch {
        components[name] = { ready: false, live: false };
      }
    }
    const all = Object.values(components);
    return { ready: all.every((c) => c.ready), live: all.every((c) => c.live), components };
  }
}
