import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * Work a service repeats on a timer while it runs (cleanup, retention). Every replica runs its own timer, so
 * `run` must be safe to repeat and to run on two replicas at once; it catches and logs its own failures. The
 * timer never keeps the process alive and stops at shutdown.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  protected constructor(private readonly everyMs: number) {}

  abstract run(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), this.everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
