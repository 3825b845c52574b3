import { decodeTime } from 'ulid';
import { newEventId, sourceEventId } from './event-id';

describe('event ids', () => {
  const position = { topic: 'herald.events.v1', partition: 3, offset: '1729', timestamp: '1764600000123' };

  it('derives the same ULID-shaped id from the same source position, every time', () => {
    const id = sourceEventId(position);
    expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(sourceEventId({ ...position })).toBe(id);
    expect(decodeTime(id.slice(4))).toBe(1764600000123);
  });

  it('gives a different id for any other position or timestamp', () => {
    const ids = new Set([
      sourceEventId(position),
      sourceEventId({ ...position, topic: 'herald.events.v2' }),
      sourceEventId({ ...position, partition: 4 }),
      sourceEventId({ ...position, offset: '1730' }),
      sourceEventId({ ...position, timestamp: '1764600000124' }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('is a known answer: the derivation is part of the contract, so ids survive an upgrade mid-stream', () => {
    // time 1764600000123 in Crockford base32, then the first 80 bits of sha256("herald.events.v1\0" + "3\0" + "1729\0" + "1764600000123")
    expect(sourceEventId(position)).toBe('evt_01KBD5PBKVAY7JNBCA492V57HD');
    expect(sourceEventId({ topic: 't', partition: 0, offset: '0', timestamp: '0' })).toMatch(/^evt_0000000000/);
  });

  it('gives fresh ids to REST events', () => {
    expect(newEventId()).not.toBe(newEventId());
  });
});
