import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from './base64url';
import { deriveSharedSecret, importPeerPublicKey } from './device-keys';
import { InvalidPublicKeyError } from './errors';

interface EcdhTest {
  tcId: number;
  comment: string;
  flags: string[];
  public: string;
  private: string;
  shared: string;
  result: 'valid' | 'invalid' | 'acceptable';
}

// Project Wycheproof vectors live in ../shared beside the repository (CI lays it there too).
const VECTOR_DIR = process.env.WYCHEPROOF_DIR ?? join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'testvectors', 'wycheproof');
const VECTORS = join(VECTOR_DIR, 'ecdh_secp256r1_ecpoint_test.json');
const file = JSON.parse(readFileSync(VECTORS, 'utf8')) as { testGroups: { curve: string; tests: EcdhTest[] }[] };
const tests = file.testGroups.flatMap((g) => (g.curve === 'secp256r1' ? g.tests : []));
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

/**
 * Test-only: import a Wycheproof private scalar (hex, possibly with a leading 00 or shorter than 32 bytes) as a
 * JWK. JWK needs the public point too; Node's own ECDH computes it from the scalar.
 */
async function importPrivateScalar(scalarHex: string): Promise<CryptoKey> {
  const d = hex(scalarHex.replace(/^(00)+/, '').padStart(64, '0'));
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(d));
  const pub = ecdh.getPublicKey();
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: 'P-256',
    d: toBase64Url(d),
    x: toBase64Url(pub.subarray(1, 33)),
    y: toBase64Url(pub.subarray(33, 65)),
  };
  return crypto.subtle.importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
}

describe('Wycheproof ECDH secp256r1 (ecpoint encoding) through importPeerPublicKey + deriveSharedSecret', () => {
  const valid = tests.filter((t) => t.result === 'valid');
  const invalid = tests.filter((t) => t.result === 'invalid');
  const acceptable = tests.filter((t) => t.result === 'acceptable');

  it('has the expected number of cases', () => {
    expect(tests.length).toBe(355);
    expect([valid.length, invalid.length, acceptable.length]).toEqual([330, 24, 1]);
  });

  it.each(valid.map((t) => [t.tcId, t.comment, t] as const))('valid #%i (%s) gives the expected shared secret', async (_id, _c, t) => {
    const peer = await importPeerPublicKey(hex(t.public));
    const priv = await importPrivateScalar(t.private);
    expect(Buffer.from(await deriveSharedSecret(priv, peer)).toString('hex')).toBe(t.shared);
  });

  it.each(invalid.map((t) => [t.tcId, t.comment, t] as const))('invalid #%i (%s) is rejected on import', async (_id, _c, t) => {
    await expect(importPeerPublicKey(hex(t.public))).rejects.toBeInstanceOf(InvalidPublicKeyError);
  });

  it('acceptable cases are all compressed points, which protocol v0 rejects by design', async () => {
    // Reported as "skipped by policy": the wire format is the 65-byte uncompressed point only.
    for (const t of acceptable) {
      expect(t.flags).toContain('CompressedPoint');
      await expect(importPeerPublicKey(hex(t.public))).rejects.toBeInstanceOf(InvalidPublicKeyError);
    }
  });
});
