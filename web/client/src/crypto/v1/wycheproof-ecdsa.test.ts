import { afterAll, describe, expect, it } from 'vitest';
import { verifyEcdsaP256 } from './ecdsa';
import { importP256PublicKey, importP256PublicKeyJwk } from './public-key';
import { hex, loadWycheproof, Tally, type WycheproofCase } from './wycheproof.testkit';

interface EcdsaCase extends WycheproofCase {
  msg: string;
  sig: string;
}

interface EcdsaGroup {
  sha: string;
  publicKey: { curve: string; uncompressed: string };
  publicKeyJwk?: JsonWebKey;
  tests: EcdsaCase[];
}

describe('Wycheproof ECDSA P-256 SHA-256 P1363 (ecdsa_secp256r1_sha256_p1363_test.json) through verifyEcdsaP256', () => {
  const name = 'ecdsa_secp256r1_sha256_p1363_test.json';
  const file = loadWycheproof<EcdsaGroup>(name);
  const tally = new Tally();
  let jwkChecks = 0;
  afterAll(() => console.log(tally.summary(name, `each also verified with the JWK form of its key where given: ${jwkChecks} checks`)));

  it('valid signatures verify and no invalid one does, with the key imported raw and (where given) as JWK', async () => {
    const failures: string[] = [];
    for (const g of file.testGroups) {
      expect([g.sha, g.publicKey.curve]).toEqual(['SHA-256', 'secp256r1']);
      const keys = [await importP256PublicKey(hex(g.publicKey.uncompressed), 'ECDSA')];
      if (g.publicKeyJwk) keys.push(await importP256PublicKeyJwk(g.publicKeyJwk, 'ECDSA'));
      for (const t of g.tests) {
        for (const key of keys) {
          const ok = await verifyEcdsaP256(key, hex(t.msg), hex(t.sig));
          if (ok !== (t.result === 'valid')) failures.push(`#${t.tcId} ${t.result} verified=${ok} (${t.comment})`);
        }
        jwkChecks += keys.length - 1;
        if (t.result === 'invalid' && t.sig.length !== 128) tally.add('invalid rejected (not 64 bytes)');
        else tally.add(t.result === 'valid' ? 'valid ok' : `${t.result} rejected`);
      }
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
    expect(tally.get('valid ok')).toBe(173);
    expect(jwkChecks).toBe(252);
    expect(tally.get('invalid rejected') + tally.get('invalid rejected (not 64 bytes)')).toBe(89);
  });
});
