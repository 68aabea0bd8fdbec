import { afterAll, describe, expect, it } from 'vitest';
import { decryptAesGcm, encryptAesGcm, importAesGcmKey } from './aead';
import { AeadAuthenticationError, CryptoParameterError } from './errors';
import { hex, loadWycheproof, Tally, toHex, type WycheproofCase } from './wycheproof.testkit';

interface GcmCase extends WycheproofCase {
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
}

interface GcmGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: GcmCase[];
}

async function rejectsWith(p: Promise<unknown>, type: new (...args: never[]) => Error): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (err) {
    return err instanceof type;
  }
}

/**
 * Our AES-GCM supports exactly 256-bit keys, 96-bit IVs and 128-bit tags. Cases inside those parameters must give
 * Wycheproof's answer; every case outside them must be refused by our functions (not skipped).
 */
describe('Wycheproof AES-GCM (aes_gcm_test.json) through importAesGcmKey / encryptAesGcm / decryptAesGcm', () => {
  const name = 'aes_gcm_test.json';
  const file = loadWycheproof<GcmGroup>(name);
  const tally = new Tally();
  afterAll(() => console.log(tally.summary(name)));

  it('every case has the expected outcome', async () => {
    const failures: string[] = [];
    for (const g of file.testGroups) {
      expect(g.tagSize).toBe(128);
      for (const t of g.tests) {
        const [key, iv, additionalData, plaintext] = [hex(t.key), hex(t.iv), hex(t.aad), hex(t.msg)];
        const ciphertext = hex(t.ct + t.tag);
        if (g.keySize !== 256) {
          // Refused at import, and a foreign-size key imported behind our back is refused by encrypt and decrypt.
          const foreign = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
          const refused =
            (await rejectsWith(importAesGcmKey(key), CryptoParameterError)) &&
            (await rejectsWith(encryptAesGcm(foreign, { iv, additionalData, plaintext }), CryptoParameterError)) &&
            (await rejectsWith(decryptAesGcm(foreign, { iv, additionalData, ciphertext }), CryptoParameterError));
          if (refused) tally.add(`${t.result} refused (key not 256-bit)`);
          else failures.push(`#${t.tcId} ${g.keySize}-bit key was not refused`);
          continue;
        }
        const aesKey = await importAesGcmKey(key);
        if (g.ivSize !== 96) {
          const refused =
            (await rejectsWith(encryptAesGcm(aesKey, { iv, additionalData, plaintext }), CryptoParameterError)) &&
            (await rejectsWith(decryptAesGcm(aesKey, { iv, additionalData, ciphertext }), CryptoParameterError));
          if (refused) tally.add(`${t.result} refused (IV not 96-bit)`);
          else failures.push(`#${t.tcId} ${g.ivSize}-bit IV was not refused`);
          continue;
        }
        if (t.result === 'valid') {
          const sealed = toHex(await encryptAesGcm(aesKey, { iv, additionalData, plaintext }));
          const opened = toHex(await decryptAesGcm(aesKey, { iv, additionalData, ciphertext }));
          if (sealed === t.ct + t.tag && opened === t.msg) tally.add('valid ok');
          else failures.push(`#${t.tcId} valid gave a different result`);
        } else if (await rejectsWith(decryptAesGcm(aesKey, { iv, additionalData, ciphertext }), AeadAuthenticationError)) {
          tally.add('invalid rejected');
        } else {
          failures.push(`#${t.tcId} invalid accepted (${t.comment})`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tally.total()).toBe(file.cases);
    expect([tally.get('valid ok'), tally.get('invalid rejected')]).toEqual([39, 27]);
  });
});
