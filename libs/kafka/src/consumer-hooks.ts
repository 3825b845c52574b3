import { Injectable, type Logger } from '@nestjs/common';
import { describeError } from '@herald/observability';
import type { MessageHandler, OverflowOptions, PlaceMessage, QuarantineHandler } from './consumer';
import type { DeadLetters } from './dead-letters';
import { classifyFailure } from './failures';

/**
 * What a service plugs into its consumer from its own providers. The consumer is wired by runService, outside
 * the service's modules, so providers register here from their constructors and the consumer reads the hooks
 * when it starts. One consumer per process, so one of each.
 */
@Injectable()
export class ConsumerHooks {
  /** The handler of each topic consumed: the consumer group subscribes to exactly these topics. */
  readonly handlers = new Map<string, MessageHandler>();
  beforeQuarantine: QuarantineHandler | undefined;
  overflow: OverflowOptions | undefined;
  place: PlaceMessage | undefined;

  /**
   * Handles every message of `topics`, awaited before the message counts as done. Called directly: a Nest
   * microservice handler ran each message through Nest's RPC pipeline (context, pipes, interceptors, exception
   * filters, an observable), a few per cent of the webhook-sender's time in a burst, for none of which Herald had a use.
   */
  consume(topics: string | readonly string[], handler: MessageHandler): void {
    for (const topic of typeof topics === 'string' ? [topics] : topics) {
      if (this.handlers.has(topic)) throw new Error(`topic ${topic} has a handler already`);
      this.handlers.set(topic, handler);
    }
  }

  /**
   * Runs before a message is quarantined (e.g. to record its delivery as failed with the reason). If it throws,
   * nothing is quarantined and the message is tried again later, like any failure.
   */
  onQuarantine(hook: QuarantineHandler): void {
    this.beforeQuarantine = hook;
  }

  /** Decides each message's group, lane and limit instead of the consumer's `ordering`; see ConsumerOptions.place. */
  placeMessages(place: PlaceMessage): void {
    this.place = place;
  }

  /** Bounds the messages of one group waiting on a partition; see OverflowOptions. */
  spillOverflow(options: OverflowOptions): void {
    this.overflow = options;
  }
}

/**
 * A consumer's quarantine: the service's hook first, then the message's dead-letter topic. Only an outage in the
 * hook makes the message wait (it is tried again later); a hook that fails on the message itself is logged and
 * the message is quarantined anyway, so a bad message cannot hold its partition through its own hook.
 */
export function quarantineThrough(hooks: ConsumerHooks, deadLetters: Pick<DeadLetters, 'quarantine'>, logger: Pick<Logger, 'error'>): QuarantineHandler {
  return async (message, failure) => {
    try {
      await hooks.beforeQuarantine?.(message, failure);
    } catch (error) {
      if (classifyFailure(error).kind === 'infrastructure') throw error;
      logger.error({ msg: 'quarantine hook failed; quarantining anyway', topic: message.topic, partition: message.partition, offset: message.offset, error: describeError(error) });
    }
    await deadLetters.quarantine(message, failure);
  };
}
