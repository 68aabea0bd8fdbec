import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidPointError, parseRawP256Point } from './raw-point';

const valid = () => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
};
const P = Buffer.from('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff', 'hex');

describe('parseRawP256Point', () => {
  it('accepts an uncompressed point on the curve', () => {
    const raw = valid();
    expect(parseRawP256Point(raw.toString('base64url'), 'key').raw.equals(raw)).toBe(true);
  });

  it.each([
    ['off the curve', (raw: Buffer) => Buffer.concat([raw.subarray(0, 64), Buffer.from([raw[64]! ^ 1])])],
    ['compressed prefix', (raw: Buffer) => Buffer.concat([Buffer.from([2]), raw.subarray(1)])],
    ['the point at infinity', () => Buffer.from([0])],
    ['all zero coordinates', () => Buffer.concat([Buffer.from([4]), Buffer.alloc(64)])],
    ['x equal to p', (raw: Buffer) => Buffer.concat([Buffer.from([4]), P, raw.subarray(33)])],
    ['33 bytes', (raw: Buffer) => raw.subarray(0, 33)],
  ])('refuses %s', (_name, mutate) => {
    expect(() => parseRawP256Point(mutate(valid()).toString('base64url'), 'key')).toThrow(InvalidPointError);
  });

  it('refuses base64url that does not round-trip', () => {
    const text = valid().toString('base64url');
    expect(() => parseRawP256Point(`${text.slice(0, 10)}=${text.slice(11)}`, 'key')).toThrow(InvalidPointError);
  });
});
