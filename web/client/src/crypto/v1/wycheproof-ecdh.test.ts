import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '../base64url';
import { deriveEcdhSecret } from './ecdh';
import { InvalidPublicKeyError } from './errors';
import { importP256PrivateScalar } from './key-pair';
import { importP256PublicKey, importP256PublicKeyJwk, rawFromP256PublicJwk, validateRawP256PublicKey } from './public-key';
import { hex, loadWycheproof, Tally, toHex, type WycheproofCase } from './wycheproof.testkit';

interface EcdhCase<K> extends WycheproofCase {
  public: K;
  private: K;
  shared: string;
}

/** Wycheproof scalars are minimal two's-complement hex (a leading 00, or fewer than 32 bytes); we take exactly 32. */
function scalar32(h: string): Uint8Array {
  return hex(h.replace(/^(00)+/, '').padStart(64, '0'));
}

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (err) {
    return err instanceof InvalidPublicKeyError;
  }
}

/**
 * Run one case through our import + derive. Returns the shared secret (hex) or the error that stopped it; the
 * private key is trusted test data, the public key is the untrusted input under test.
 */
async function run(importPublic: () => Promise<CryptoKey>, scalar: Uint8Array): Promise<{ shared?: string; error?: unknown }> {
  let peer: CryptoKey;
  try {
    peer = await importPublic();
  } catch (error) {
    return { error };
  }
  const own = await importP256PrivateScalar(scalar, 'ECDH');
  return { shared: toHex(await deriveEcdhSecret(own.privateKey, peer)) };
}

describe('Wycheproof ECDH P-256, raw uncompressed points (ecdh_secp256r1_ecpoint_test.json)', () => {
  const name = 'ecdh_secp256r1_ecpoint_test.json';
  const file = loadWycheproof<{ curve: string; tests: EcdhCase<string>[] }>(name);
  const tally = new Tally();
  afterAll(() => console.log(tally.summary(name)));

  it('every case goes through importP256PublicKey + deriveEcdhSecret with the expected outcome', async () => {
    const failures: string[] = [];
    for (const group of file.testGroups) {
      expect(group.curve).toBe('secp256r1');
      for (const t of group.tests) {
        const out = await run(() => importP256PublicKey(hex(t.public), 'ECDH'), scalar32(t.private));
        if (t.result === 'valid') {
          if (out.shared === t.shared) tally.add('valid ok');
          else failures.push(`#${t.tcId} valid: ${String(out.error ?? out.shared)}`);
        } else if (out.error instanceof InvalidPublicKeyError) {
          // Our own checks reject it without Web Crypto's help, so we do not depend on the platform's importer.
          if (!throws(() => validateRawP256PublicKey(hex(t.public)))) failures.push(`#${t.tcId} passed our own point check`);
          // The one `acceptable` case is a compressed point: our wire format is the uncompressed point only.
          tally.add(t.result === 'invalid' ? 'invalid rejected' : 'acceptable (compressed point) rejected by policy');
          if (t.result === 'acceptable' && !t.flags.includes('CompressedPoint')) failures.push(`#${t.tcId} unexpected acceptable case`);
        } else {
          failures.push(`#${t.tcId} ${t.result} accepted (${t.comment})`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
    expect([tally.get('valid ok'), tally.get('invalid rejected')]).toEqual([330, 24]);
  });
});

describe('Wycheproof ECDH P-256, JWK (ecdh_secp256r1_webcrypto_test.json)', () => {
  const name = 'ecdh_secp256r1_webcrypto_test.json';
  const file = loadWycheproof<{ tests: EcdhCase<JsonWebKey>[] }>(name);
  const tally = new Tally();
  afterAll(() => console.log(tally.summary(name)));

  it('every case goes through importP256PublicKeyJwk + deriveEcdhSecret with the expected outcome', async () => {
    const failures: string[] = [];
    for (const group of file.testGroups) {
      for (const t of group.tests) {
        const out = await run(() => importP256PublicKeyJwk(t.public, 'ECDH'), fromBase64Url(t.private.d ?? ''));
        if (t.result === 'valid') {
          if (out.shared === t.shared) tally.add('valid ok');
          else failures.push(`#${t.tcId} valid: ${String(out.error ?? out.shared)}`);
        } else if (out.error instanceof InvalidPublicKeyError) {
          if (!throws(() => rawFromP256PublicJwk(t.public))) failures.push(`#${t.tcId} passed our own JWK check`);
          tally.add(`${t.result} rejected`);
        } else {
          failures.push(`#${t.tcId} ${t.result} accepted (${t.comment})`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
    expect([tally.get('valid ok'), tally.get('invalid rejected')]).toEqual([330, 23]);
  });

  it('a private JWK (with d) offered as a public key is rejected', async () => {
    const privateJwk = file.testGroups[0]!.tests[0]!.private;
    expect(privateJwk.d).toBeTypeOf('string');
    await expect(importP256PublicKeyJwk(privateJwk, 'ECDH')).rejects.toBeInstanceOf(InvalidPublicKeyError);
  });
});
