import { describe, expect, it } from 'vitest';
import { CryptoParameterError, InvalidPayloadError } from './errors';
import { decodePaddedPayload, decodePayload, encodePaddedPayload, encodePayload, MAX_PAYLOAD_BYTES, type MessagePayload } from './payload';

const id = '0190a6b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b';
const enc = (s: string) => new TextEncoder().encode(s);
const text = (p: MessagePayload) => new TextDecoder().decode(encodePayload(p));

describe('message payload', () => {
  const all: MessagePayload[] = [
    { type: 'text', text: 'hello 👋 "quoted" \\ \n\u0001' },
    { type: 'text', text: 'yes', reply: { messageId: id } },
    { type: 'text', text: 'yes', reply: { messageId: id, quote: 'the original' } },
    { type: 'reaction', messageId: id, emoji: '👍🏽', remove: false },
    { type: 'reaction', messageId: id, emoji: '👨‍👩‍👧‍👦', remove: true },
    { type: 'edit', messageId: id, text: 'fixed typo' },
    { type: 'delete', messageId: id },
  ];

  it('every kind round-trips, padded and not', () => {
    for (const p of all) {
      expect(decodePayload(encodePayload(p))).toEqual(p);
      expect(decodePaddedPayload(encodePaddedPayload(p))).toEqual(p);
    }
  });

  it('has one canonical JSON form with fixed member names and order', () => {
    expect(text({ type: 'text', text: 'a', reply: { messageId: id.toUpperCase(), quote: 'q' } })).toBe(`{"t":"text","text":"a","reply":{"id":"${id}","quote":"q"}}`);
    expect(text({ type: 'reaction', messageId: id, emoji: 'x', remove: false })).toBe(`{"t":"reaction","id":"${id}","emoji":"x","remove":false}`);
    expect(text({ type: 'delete', messageId: id })).toBe(`{"t":"delete","id":"${id}"}`);
  });

  it('the decoder refuses unknown shapes', () => {
    const bad = [
      '{"t":"text","text":"a","extra":1}',
      '{"t":"text"}',
      '{"t":"text","text":""}',
      '{"t":"text","text":5}',
      '{"t":"image","url":"x"}',
      '{"text":"a"}',
      `{"t":"text","text":"a","reply":{"id":"${id}","who":"x"}}`,
      '{"t":"text","text":"a","reply":{"id":"not-a-uuid"}}',
      `{"t":"text","text":"a","reply":{"id":"${id.toUpperCase()}"}}`,
      `{"t":"reaction","id":"${id}","emoji":"x"}`,
      `{"t":"reaction","id":"${id}","emoji":"x","remove":"no"}`,
      `{"t":"reaction","id":"${id}","emoji":"${'x'.repeat(65)}","remove":false}`,
      `{"t":"delete","id":"${id}","text":"a"}`,
      `{"t":"edit","id":"${id}"}`,
      '["t","text"]',
      'null',
      '"text"',
      '{"t":"text","text":"a","__proto__":{}}',
    ];
    for (const s of bad) expect(() => decodePayload(enc(s)), s).toThrow(InvalidPayloadError);
  });

  it('the decoder refuses non-canonical encodings of valid payloads', () => {
    const variants = [
      '{"text":"a","t":"text"}', // member order
      '{"t":"text", "text":"a"}', // whitespace
      '{"t":"text","text":"a","text":"a"}', // duplicate member
      '{"t":"text","text":"\\u0061"}', // alternative escape
      '\ufeff{"t":"text","text":"a"}', // byte order mark
    ];
    for (const s of variants) expect(() => decodePayload(enc(s)), s).toThrow(InvalidPayloadError);
    expect(() => decodePayload(Uint8Array.of(0x7b, 0xff, 0x7d))).toThrow(InvalidPayloadError);
    expect(() => decodePayload(enc('{"t":"text","text":"\\ud83d"}'))).toThrow(InvalidPayloadError);
  });

  it('the encoder refuses what the decoder would refuse', () => {
    expect(() => encodePayload({ type: 'text', text: '' })).toThrow(CryptoParameterError);
    expect(() => encodePayload({ type: 'text', text: '\ud83d' })).toThrow(CryptoParameterError);
    expect(() => encodePayload({ type: 'delete', messageId: 'nope' })).toThrow(CryptoParameterError);
    expect(() => encodePayload({ type: 'gif' } as unknown as MessagePayload)).toThrow(CryptoParameterError);
    expect(() => encodePayload({ type: 'text', text: 'x'.repeat(MAX_PAYLOAD_BYTES) })).toThrow(/larger than/);
    const largest = { type: 'text', text: 'x'.repeat(MAX_PAYLOAD_BYTES - '{"t":"text","text":""}'.length) } as const;
    expect(encodePaddedPayload(largest)).toHaveLength(32_768);
  });
});
