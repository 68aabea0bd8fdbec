import { describe, expect, it } from 'vitest';
import { ByteFormatError, ByteReader, ByteWriter, bytesEqual, hasLoneSurrogate, uuidFromBytes, uuidToBytes, utf8 } from './bytes';
import { CryptoParameterError } from './errors';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('canonical byte encoding', () => {
  it('UUIDs are their 16 bytes, any case in, lowercase out; anything else is refused', () => {
    const id = '0190A6B2-3C4D-7E5F-8a9b-0c1d2e3f4a5b';
    expect(hex(uuidToBytes(id, 'id'))).toBe('0190a6b23c4d7e5f8a9b0c1d2e3f4a5b');
    expect(uuidFromBytes(uuidToBytes(id, 'id'))).toBe(id.toLowerCase());
    for (const bad of ['', '0190a6b23c4d7e5f8a9b0c1d2e3f4a5b', `${id}0`, ' 0190a6b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b', '0190a6b2-3c4d-7e5f-8a9b-0c1d2e3f4a5g']) {
      expect(() => uuidToBytes(bad, 'id')).toThrow(CryptoParameterError);
    }
  });

  it('fixed-width big-endian integers, length-prefixed labels and fields', () => {
    const bytes = new ByteWriter().label('ab').u8(1).u16(0x0203).u32(0x04050607).u64(2 ** 53 - 1).withLength(Uint8Array.of(9, 9)).bytes();
    expect(hex(bytes)).toBe('02' + '6162' + '01' + '0203' + '04050607' + '001fffffffffffff' + '00000002' + '0909');
  });

  it('refuses integers out of range instead of wrapping them', () => {
    expect(() => new ByteWriter().u8(256)).toThrow(CryptoParameterError);
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(CryptoParameterError);
    expect(() => new ByteWriter().u32(-1)).toThrow(CryptoParameterError);
    expect(() => new ByteWriter().u32(1.5)).toThrow(CryptoParameterError);
    expect(() => new ByteWriter().u64(2 ** 53)).toThrow(CryptoParameterError);
  });

  it('labels are prefix-free: "x/msg" || data never equals "x/msg-sig" || other data', () => {
    const a = new ByteWriter().label('x/msg').raw(new TextEncoder().encode('-sig')).bytes();
    const b = new ByteWriter().label('x/msg-sig').bytes();
    expect(bytesEqual(a, b)).toBe(false);
  });

  it('ByteReader refuses truncated input and trailing bytes', () => {
    const r = new ByteReader(Uint8Array.of(0, 0, 0, 5, 1));
    expect(r.u32()).toBe(5);
    expect(() => r.end()).toThrow(ByteFormatError);
    expect(() => new ByteReader(Uint8Array.of(1, 2)).u32()).toThrow(ByteFormatError);
    expect(new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff)).u32()).toBe(0xffffffff);
  });

  it('text must be well-formed Unicode (a lone surrogate would become U+FFFD silently)', () => {
    expect(hasLoneSurrogate('ok 👍')).toBe(false);
    expect(hasLoneSurrogate('bad \ud83d')).toBe(true);
    expect(hasLoneSurrogate('\udc4d bad')).toBe(true);
    expect(() => utf8('\ud83d')).toThrow(CryptoParameterError);
  });

  it('bytesEqual compares content and length', () => {
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
  });
});
