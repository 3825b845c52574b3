import { Injectable } from '@nestjs/common';
import type { OverflowOptions, QuarantineHandler } from './consumer';

/**
 * What a service plugs into its consumer from its own providers. The consumer is wired by runService, outside
 * the service's modules, so providers register here from their constructors and the consumer reads the hooks
 * when it starts. One consumer per process, so one of each.
 */
@Injectable()
export class ConsumerHooks {
  beforeQuarantine: QuarantineHandler | undefined;
  overflow: OverflowOptions | undefined;

  /**
   * Runs before a message is quarantined (e.g. to record its delivery as failed with the reason). If it throws,
   * nothing is quarantined and the message is tried again later, like any failure.
   */
  onQuarantine(hook: QuarantineHandler): void {
    this.beforeQuarantine = hook;
  }

  /** Bounds the messages of one key waiting on a partition; see OverflowOptions. */
  spillOverflow(options: OverflowOptions): void {
    this.overflow = options;
  }
}
