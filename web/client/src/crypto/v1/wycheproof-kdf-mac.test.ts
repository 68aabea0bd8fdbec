import { afterAll, describe, expect, it } from 'vitest';
import { CryptoParameterError } from './errors';
import { hkdfSha256 } from './hkdf';
import { hmacSha256, importHmacSha256Key, verifyHmacSha256 } from './hmac';
import { pbkdf2Sha256 } from './pbkdf2';
import { hex, loadWycheproof, Tally, toHex, type WycheproofCase } from './wycheproof.testkit';

interface HkdfCase extends WycheproofCase {
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
}

interface MacCase extends WycheproofCase {
  key: string;
  msg: string;
  tag: string;
}

interface PbkdfCase extends WycheproofCase {
  password: string;
  salt: string;
  iterationCount: number;
  dkLen: number;
  dk: string;
}

describe('Wycheproof HKDF-SHA-256 (hkdf_sha256_test.json) through hkdfSha256', () => {
  const name = 'hkdf_sha256_test.json';
  const file = loadWycheproof<{ tests: HkdfCase[] }>(name);
  const tally = new Tally();
  afterAll(() => console.log(tally.summary(name)));

  it('valid cases give the expected OKM; oversized outputs are refused', async () => {
    const failures: string[] = [];
    for (const t of file.testGroups.flatMap((g) => g.tests)) {
      const derive = () => hkdfSha256(hex(t.ikm), { salt: hex(t.salt), info: hex(t.info), byteLength: t.size });
      if (t.result === 'valid') {
        if (toHex(await derive()) === t.okm) tally.add('valid ok');
        else failures.push(`#${t.tcId} valid gave another OKM`);
      } else {
        const error = await derive().then(() => null, (e: unknown) => e);
        if (error instanceof CryptoParameterError) tally.add('invalid rejected');
        else failures.push(`#${t.tcId} invalid accepted (${t.comment})`);
      }
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
    expect([tally.get('valid ok'), tally.get('invalid rejected')]).toEqual([83, 3]);
  });
});

/**
 * Our HMAC verification takes full 32-byte tags only. In the groups with 128-bit (truncated) tags, a valid case is
 * checked as "the first 16 bytes of our tag equal Wycheproof's", and verifyHmacSha256 must refuse the truncated
 * tag by policy; an invalid truncated tag must match neither.
 */
describe('Wycheproof HMAC-SHA-256 (hmac_sha256_test.json) through hmacSha256 / verifyHmacSha256', () => {
  const name = 'hmac_sha256_test.json';
  const file = loadWycheproof<{ keySize: number; tagSize: number; tests: MacCase[] }>(name);
  const tally = new Tally();
  afterAll(() => console.log(tally.summary(name)));

  it('every case has the expected outcome', async () => {
    const failures: string[] = [];
    for (const g of file.testGroups) {
      expect([256, 128]).toContain(g.tagSize);
      for (const t of g.tests) {
        const key = await importHmacSha256Key(hex(t.key));
        const ours = toHex(await hmacSha256(key, hex(t.msg)));
        const verified = await verifyHmacSha256(key, hex(t.msg), hex(t.tag));
        const truncated = g.tagSize !== 256;
        let ok: boolean;
        let label: string;
        if (t.result === 'valid') {
          ok = truncated ? ours.startsWith(t.tag) && !verified : ours === t.tag && verified;
          label = truncated ? 'valid truncated (prefix ok, verify refuses)' : 'valid ok';
        } else {
          ok = !verified && !ours.startsWith(t.tag);
          label = truncated ? 'invalid truncated rejected' : 'invalid rejected';
        }
        if (ok) tally.add(label);
        else failures.push(`#${t.tcId} ${t.result}${truncated ? ' (truncated tag)' : ''}: verified=${verified}`);
      }
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
    expect([tally.get('valid ok'), tally.get('valid truncated (prefix ok, verify refuses)')]).toEqual([33, 33]);
    expect([tally.get('invalid rejected'), tally.get('invalid truncated rejected')]).toEqual([54, 54]);
  });
});

/** All 60 cases run (the largest is 80,000 iterations; the file takes well under a second here). */
describe('Wycheproof PBKDF2-HMAC-SHA-256 (pbkdf2_hmacsha256_test.json) through pbkdf2Sha256', () => {
  const name = 'pbkdf2_hmacsha256_test.json';
  const file = loadWycheproof<{ tests: PbkdfCase[] }>(name);
  const tally = new Tally();
  afterAll(() => console.log(tally.summary(name)));

  it('every case gives the expected derived key', async () => {
    const failures: string[] = [];
    for (const t of file.testGroups.flatMap((g) => g.tests)) {
      const dk = await pbkdf2Sha256(hex(t.password), { salt: hex(t.salt), iterations: t.iterationCount, byteLength: t.dkLen });
      if (t.result === 'valid' && toHex(dk) === t.dk) tally.add('valid ok');
      else failures.push(`#${t.tcId} ${t.result}: got another key`);
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
  });
});
