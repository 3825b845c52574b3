import * as CRC32C from 'crc-32/crc32c';

/** kafkajs's message as its producer groups it: only the partition matters here. */
type Message = object;
interface GroupInput {
  topic: string;
  partitionMetadata: unknown[];
  messages: Message[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: Message }) => number;
}

/**
 * kafkajs's grouping of a send's messages by partition, in one pass. kafkajs 2.2.4 copies a partition's whole list
 * for every message added to it (`[...current, message]`), which is quadratic in a send's size: 13.7 % of ingest's
 * busy time in a burst, whose sends carry up to 1,000 jobs. Same contract: `{ [partition]: messages in order }`, and
 * `{}` while the topic has no metadata (kafkajs then refreshes it and fails the send).
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupInput): Record<number, Message[]> {
  const groups: Record<number, Message[]> = {};
  if (partitionMetadata.length === 0) return groups;
  for (const message of messages) (groups[partitioner({ topic, partitionMetadata, message })] ??= []).push(message);
  return groups;
}

/**
 * A record batch's CRC-32C (unsigned), by SheetJS's `crc-32`, which reads the buffer 16 bytes a step: about 4× faster
 * than kafkajs's byte-at-a-time loop, which was 7 % of ingest's busy time in a burst (each job's bytes pass through it).
 */
export function crc32C(buffer: Buffer): number {
  return CRC32C.buf(buffer) >>> 0;
}

/** The part of kafkajs's Encoder a record is written with: `buffer` is `buf` up to `offset`. */
interface Encoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
}

/** A message as kafkajs's produce request hands it to `Record`. */
export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Record<string, Buffer | string | null | Array<Buffer | string>>;
}

/** Bytes of a zigzag varint (Kafka's varint and varlong) of a safe integer. */
function sizeOfVarNumber(value: number): number {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes++;
  }
  return bytes;
}

function writeVarNumber(encoder: Encoder, value: number): void {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  while (zigzag >= 0x80) {
    encoder.buf[encoder.offset++] = (zigzag % 0x80) | 0x80;
    zigzag = Math.floor(zigzag / 0x80);
  }
  encoder.buf[encoder.offset++] = zigzag;
}

type Bytes = Buffer | string | null | undefined;

/** The length a record gives nullable bytes: -1 for null, else their bytes (strings as UTF-8). */
function lengthOf(value: Bytes): number {
  if (value == null) return -1;
  return Buffer.isBuffer(value) ? value.length : Buffer.byteLength(String(value));
}

/** Bytes of `value` as a record writes them, given its `lengthOf`: a varint length, then the bytes. */
function sizeOfBytes(length: number): number {
  return sizeOfVarNumber(length) + Math.max(length, 0);
}

function writeBytes(encoder: Encoder, value: Bytes, length: number): void {
  writeVarNumber(encoder, length);
  if (value == null) return;
  if (Buffer.isBuffer(value)) encoder.offset += value.copy(encoder.buf, encoder.offset);
  else encoder.offset += encoder.buf.write(String(value), encoder.offset);
}

/**
 * One record of a batch (Kafka's Record v0: length, attributes, timestamp and offset deltas, key, value, headers),
 * written straight into one buffer of its exact size. kafkajs 2.2.4 builds each record and each of its headers in an
 * encoder of its own (a zero-filled 512-byte buffer each), grows and copies them, and allocates an array and a buffer
 * per varint, with 64-bit Long arithmetic for the timestamp's: Buffer allocation was 9 % of ingest's busy time in a
 * burst. Same bytes (`producer-internals.spec.ts` compares them with kafkajs's own). A delta that is not a safe integer
 * (kafkajs also accepts Longs) goes to kafkajs's own.
 */
export function encodeRecord(input: RecordInput): Encoder {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = input;
  if (!Number.isSafeInteger(offsetDelta) || !Number.isSafeInteger(timestampDelta)) return kafkajsRecord(input);
  // key, value, then each header's key and value, with their lengths: a string's UTF-8 length is counted once.
  const fields: Bytes[] = [key, value];
  for (const [name, headerValue] of Object.entries(headers)) {
    if (Array.isArray(headerValue)) for (const each of headerValue) fields.push(name, each);
    else fields.push(name, headerValue);
  }
  const lengths = fields.map(lengthOf);
  const headerCount = (fields.length - 2) / 2;
  let bodySize = 1 + sizeOfVarNumber(timestampDelta) + sizeOfVarNumber(offsetDelta) + sizeOfVarNumber(headerCount);
  for (const length of lengths) bodySize += sizeOfBytes(length);
  const record = Object.create(KafkajsEncoder.prototype) as Encoder;
  // Unzeroed (from Node's pool when small): every byte is written below.
  record.buf = Buffer.allocUnsafe(sizeOfVarNumber(bodySize) + bodySize);
  record.offset = 0;
  writeVarNumber(record, bodySize);
  record.buf[record.offset++] = 0; // attributes: none are used in a record
  writeVarNumber(record, timestampDelta);
  writeVarNumber(record, offsetDelta);
  writeBytes(record, key, lengths[0]);
  writeBytes(record, value, lengths[1]);
  writeVarNumber(record, headerCount);
  for (let n = 2; n < fields.length; n++) writeBytes(record, fields[n], lengths[n]);
  return record;
}

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs publishes no types for its internals */
const KafkajsEncoder = require('kafkajs/src/protocol/encoder') as { prototype: object };
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (input: RecordInput) => Encoder;
/* eslint-enable @typescript-eslint/no-require-imports */

/** kafkajs modules replaced (kafkajs 2.2.4 is pinned and no longer released: these paths will not move). */
const REPLACEMENTS: ReadonlyArray<readonly [string, unknown]> = [
  ['kafkajs/src/producer/groupMessagesPerPartition', groupMessagesPerPartition],
  ['kafkajs/src/protocol/recordBatch/crc32C', crc32C],
  ['kafkajs/src/protocol/recordBatch/record/v0', encodeRecord],
];

/**
 * Puts the two functions above in kafkajs's module cache before kafkajs loads the modules that bind them at their
 * own load (`const groupMessagesPerPartition = require('./groupMessagesPerPartition')`): it has to run before the
 * first `require('kafkajs')` in a process, which is why `client.ts` imports this module ahead of kafkajs. Run later,
 * kafkajs keeps its own (same results, slower); the answer says which.
 */
export function replaceProducerInternals(): 'replaced' | 'too late' {
  // kafkajs publishes no types for its internals.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (require.cache[require.resolve('kafkajs/src/producer/sendMessages')]) return 'too late';
  for (const [id, replacement] of REPLACEMENTS) {
    require(id);
    require.cache[require.resolve(id)]!.exports = replacement;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  return 'replaced';
}

replaceProducerInternals();
