import { createHash } from 'node:crypto';
import { encodeTime, ulid } from 'ulid';

/** A fresh `evt_` + ULID: for events that arrive without a producer id and without a source position (REST). */
export function newEventId(): string {
  return `evt_${ulid()}`;
}

/** Where a Kafka message was read: the same message read again has the same position. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
  /** The message's Kafka timestamp (ms since the epoch, as kafkajs gives it). */
  timestamp: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The id of an id-less event read from Kafka, derived from where it was read, so that reading the
 * same message again (after a crash before the offset commit, or a re-seek) yields the same id and
 * hence the same webhook-id downstream. ULID-shaped: the message timestamp as the time part (ids
 * sort by time like fresh ones), 80 bits of SHA-256 over the position as the rest. The timestamp
 * is hashed too, so a recreated topic whose offsets start again gives new ids.
 */
export function sourceEventId(position: SourcePosition): string {
  const time = Number(position.timestamp);
  const digest = createHash('sha256').update(`${position.topic}\u0000${position.partition}\u0000${position.offset}\u0000${position.timestamp}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let random = '';
  for (let i = 0; i < 16; i++, bits >>= 5n) random = CROCKFORD[Number(bits & 31n)] + random;
  return `evt_${encodeTime(Number.isSafeInteger(time) && time >= 0 ? time : 0, 10)}${random}`;
}
