import { describe, expect, it } from 'vitest';
import { ClientFrame, EnvelopeV0, HistoryQuery, RegisterRequest, subjects, UuidV7 } from './index';

const conv = '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const dev = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

describe('subjects', () => {
  it('puts ids last and lowercases them', () => {
    expect(subjects.cmd.messageSend(conv.toUpperCase())).toBe(`cl.cmd.message.v1.send.${conv}`);
    expect(subjects.evt.messageStored(conv)).toBe(`cl.evt.message.v1.stored.${conv}`);
  });
  it('refuses tokens that would change the subject shape', () => {
    expect(() => subjects.evt.messageStored('a.b')).toThrow();
    expect(() => subjects.evt.messageStored('*')).toThrow();
    expect(() => subjects.evt.messageStored('>')).toThrow();
    expect(() => subjects.evt.messageStored('')).toThrow();
  });
});

describe('usernames and passwords', () => {
  it('canonicalises usernames to lowercase', () => {
    expect(RegisterRequest.parse({ username: 'Alice_1', password: 'long enough passphrase' }).username).toBe('alice_1');
  });
  it.each(['ab', 'a'.repeat(33), '-alice', 'al ice', 'al/ice', 'ålice'])('rejects username %j', (username) => {
    expect(RegisterRequest.safeParse({ username, password: 'long enough passphrase' }).success).toBe(false);
  });
  it('rejects short passwords and extra fields', () => {
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'short' }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'fourteen chars' }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'long enough passphrase', admin: true }).success).toBe(false);
  });
});

describe('password length (NIST SP 800-63B-4)', () => {
  it('counts code points, not UTF-16 units, and accepts any characters', () => {
    // 15 emoji are 30 UTF-16 units but 15 characters: accepted; 14 are refused.
    expect(RegisterRequest.safeParse({ username: 'alice', password: '🔐'.repeat(15) }).success).toBe(true);
    expect(RegisterRequest.safeParse({ username: 'alice', password: '🔐'.repeat(14) }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'all lowercase words' }).success).toBe(true);
  });
  it('caps the length at 256 characters', () => {
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'x'.repeat(256) }).success).toBe(true);
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'x'.repeat(257) }).success).toBe(false);
  });
});

describe('envelope v0', () => {
  const ok = { v: 0, senderDeviceId: dev, recipientDeviceId: dev, iv: 'AAECAwQFBgcICQoL', ct: 'q83vEjRWeJCrze8SNFZ4kKvN7xI' };
  it('accepts a well-formed envelope', () => expect(EnvelopeV0.parse(ok)).toEqual(ok));
  it('rejects a wrong IV length, padding, an unknown version or extra fields', () => {
    expect(EnvelopeV0.safeParse({ ...ok, iv: 'AAECAwQFBgcICQ' }).success).toBe(false);
    expect(EnvelopeV0.safeParse({ ...ok, ct: 'q83vEjRWeJCrze8SNFZ4kKvN7xI=' }).success).toBe(false);
    expect(EnvelopeV0.safeParse({ ...ok, v: 9 }).success).toBe(false);
    expect(EnvelopeV0.safeParse({ ...ok, plaintext: 'hi' }).success).toBe(false);
  });
});

describe('frames', () => {
  it('requires UUIDv7 message ids', () => {
    expect(UuidV7.safeParse('0190a5b2-7c1e-7a3b-8c4d-1e2f3a4b5c6d').success).toBe(true);
    expect(UuidV7.safeParse('3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b').success).toBe(false);
  });
  it('rejects unknown frame types', () => {
    expect(ClientFrame.safeParse({ type: 'admin.shutdown' }).success).toBe(false);
  });
});

describe('history query', () => {
  it('coerces and bounds', () => {
    expect(HistoryQuery.parse({ afterSeq: '5', limit: '10' })).toEqual({ afterSeq: 5, limit: 10 });
    expect(HistoryQuery.parse({})).toEqual({ afterSeq: 0, limit: 100 });
    expect(HistoryQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(HistoryQuery.safeParse({ limit: '501' }).success).toBe(false);
    expect(HistoryQuery.safeParse({ afterSeq: '-1' }).success).toBe(false);
    expect(HistoryQuery.safeParse({ limit: 'abc' }).success).toBe(false);
  });
});
