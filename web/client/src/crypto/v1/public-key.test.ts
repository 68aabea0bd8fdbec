import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../base64url';
import { CryptoParameterError, InvalidPublicKeyError } from './errors';
import { generateEcdhKeyPair, generateEcdsaKeyPair } from './key-pair';
import { P256_B, P256_P } from './p256';
import {
  exportP256PublicKey,
  exportP256PublicKeyJwk,
  importP256PublicKey,
  importP256PublicKeyJwk,
  rawFromP256PublicJwk,
  validateRawP256PublicKey,
} from './public-key';

const G = Uint8Array.from(
  Buffer.from(
    '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    'hex',
  ),
);

const modPow = (base: bigint, exp: bigint, mod: bigint): bigint => {
  let result = 1n;
  for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod) if (e & 1n) result = (result * b) % mod;
  return result;
};
const be32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const rawPoint = (x: bigint, y: bigint) => Uint8Array.from([0x04, ...be32(x), ...be32(y)]);

/** A curve point with a small x (so x + p still fits in 32 bytes): p = 3 mod 4, so y = rhs^((p+1)/4). */
function pointWithSmallX(): { x: bigint; y: bigint } {
  for (let x = 1n; ; x++) {
    const rhs = (((x ** 3n - 3n * x + P256_B) % P256_P) + P256_P) % P256_P;
    const y = modPow(rhs, (P256_P + 1n) / 4n, P256_P);
    if ((y * y) % P256_P === rhs) return { x, y };
  }
}

async function expectInvalid(p: Promise<unknown>) {
  await expect(p).rejects.toBeInstanceOf(InvalidPublicKeyError);
}

describe('importP256PublicKey (raw uncompressed points)', () => {
  it('imports the generator for ECDH (no usages) and ECDSA (verify)', async () => {
    const ecdh = await importP256PublicKey(G, 'ECDH');
    const ecdsa = await importP256PublicKey(G, 'ECDSA');
    expect(ecdh.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    expect(ecdh.usages).toEqual([]);
    expect(ecdsa.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(ecdsa.usages).toEqual(['verify']);
    expect(await exportP256PublicKey(ecdh)).toEqual(G);
  });

  it('rejects wrong lengths and non-byte input', async () => {
    for (const bad of [G.slice(0, 64), Uint8Array.from([...G, 0]), new Uint8Array(0), G.slice(0, 33)]) await expectInvalid(importP256PublicKey(bad, 'ECDH'));
    await expectInvalid(importP256PublicKey('04' as unknown as Uint8Array, 'ECDH'));
    await expectInvalid(importP256PublicKey(Array.from(G) as unknown as Uint8Array, 'ECDH'));
  });

  it('rejects compressed (0x02/0x03) and hybrid (0x06/0x07) encodings', async () => {
    await expectInvalid(importP256PublicKey(Uint8Array.from([0x03, ...G.subarray(1, 33)]), 'ECDH'));
    for (const prefix of [0x02, 0x03, 0x06, 0x07, 0x00]) await expectInvalid(importP256PublicKey(Uint8Array.from([prefix, ...G.subarray(1)]), 'ECDH'));
  });

  it('rejects points off the curve and the all-zero "point at infinity"', async () => {
    const offCurve = Uint8Array.from(G);
    offCurve[64]! ^= 1;
    await expectInvalid(importP256PublicKey(offCurve, 'ECDSA'));
    await expectInvalid(importP256PublicKey(rawPoint(0n, 0n), 'ECDH'));
  });

  it('rejects a non-canonical coordinate (x + p) of a point that is valid with x', async () => {
    const { x, y } = pointWithSmallX();
    await expect(importP256PublicKey(rawPoint(x, y), 'ECDH')).resolves.toBeDefined();
    expect(() => validateRawP256PublicKey(rawPoint(x + P256_P, y))).toThrow(InvalidPublicKeyError);
    await expectInvalid(importP256PublicKey(rawPoint(x + P256_P, y), 'ECDH'));
  });

  it('works on a private copy: changing the input afterwards changes nothing', () => {
    const input = Uint8Array.from(G);
    const checked = validateRawP256PublicKey(input);
    input[5]! ^= 0xff;
    expect(checked).toEqual(G);
  });
});

describe('importP256PublicKeyJwk', () => {
  const gJwk = { kty: 'EC', crv: 'P-256', x: toBase64Url(G.subarray(1, 33)), y: toBase64Url(G.subarray(33)) };

  it('accepts a public JWK (extra public members such as kid are ignored) and round-trips through export', async () => {
    const key = await importP256PublicKeyJwk({ ...gJwk, kid: 'k1', ext: true }, 'ECDSA');
    expect(await exportP256PublicKey(key)).toEqual(G);
    expect(await exportP256PublicKeyJwk(key)).toEqual(gJwk);
    expect(rawFromP256PublicJwk(gJwk)).toEqual(G);
  });

  it('rejects a JWK carrying a private member', async () => {
    for (const member of ['d', 'k', 'p']) await expectInvalid(importP256PublicKeyJwk({ ...gJwk, [member]: 'AAAA' }, 'ECDH'));
  });

  it('rejects other key types, curves and shapes', async () => {
    const bad: unknown[] = [
      null,
      'jwk',
      [gJwk],
      { ...gJwk, kty: 'RSA' },
      { ...gJwk, kty: undefined },
      { ...gJwk, crv: 'P-384' },
      { ...gJwk, crv: 'secp256k1' },
      { ...gJwk, y: undefined },
      { ...gJwk, x: 42 },
    ];
    for (const jwk of bad) await expectInvalid(importP256PublicKeyJwk(jwk, 'ECDH'));
  });

  it('rejects coordinates that are not exactly 32 bytes of canonical unpadded base64url', async () => {
    const x = G.subarray(1, 33);
    const variants = [
      toBase64Url(Uint8Array.from([0, ...x])), // 33 bytes with a leading zero
      toBase64Url(x.subarray(1)), // 31 bytes
      `${gJwk.x}=`, // padding
      gJwk.x.replace(/-/g, '+').replace(/_/g, '/'), // standard base64 alphabet, if it occurs
      `${gJwk.x.slice(0, -1)}${gJwk.x.endsWith('A') ? 'B' : 'A'}`, // non-canonical trailing bits, or another x off the curve
    ];
    for (const bad of variants) if (bad !== gJwk.x) await expectInvalid(importP256PublicKeyJwk({ ...gJwk, x: bad }, 'ECDH'));
  });
});

describe('exporting public keys', () => {
  it('exports the public half of generated pairs and refuses non-P-256 or private keys', async () => {
    const pair = await generateEcdsaKeyPair();
    expect(await exportP256PublicKey(pair.publicKey)).toEqual(pair.publicKeyRaw);
    await expect(exportP256PublicKey(pair.privateKey)).rejects.toBeInstanceOf(CryptoParameterError);
    const p384 = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, false, ['deriveBits']);
    await expect(exportP256PublicKey(p384.publicKey)).rejects.toBeInstanceOf(CryptoParameterError);
    const ecdh = await generateEcdhKeyPair();
    expect(await exportP256PublicKeyJwk(ecdh.publicKey)).toEqual(rawToJwk(ecdh.publicKeyRaw));
  });
});

function rawToJwk(raw: Uint8Array) {
  return { kty: 'EC', crv: 'P-256', x: toBase64Url(raw.subarray(1, 33)), y: toBase64Url(raw.subarray(33)) };
}
