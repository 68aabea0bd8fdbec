import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateIdentityKeyPair } from './identity';
import { compareScannedSafetyNumber, computeSafetyNumber, fingerprintDigits, safetyNumberDigitsMatch, type SafetyNumberParty } from './safety-number';

/** Independent model (node:crypto) of Signal's iterated fingerprint over our key and id encodings. */
function oracleFingerprint(party: SafetyNumberParty): { digits: string; hash: Buffer } {
  const key = Buffer.from(party.identityPublicKey);
  let hash = Buffer.concat([Buffer.from([0, 0]), key, Buffer.from(party.userId.replaceAll('-', ''), 'hex')]);
  for (let i = 0; i < 5200; i++) hash = createHash('sha512').update(hash).update(key).digest();
  let digits = '';
  for (let o = 0; o < 30; o += 5) digits += String(Number(hash.readUIntBE(o, 5) % 100000)).padStart(5, '0');
  return { digits, hash };
}

async function party(): Promise<SafetyNumberParty> {
  return { userId: randomUUID(), identityPublicKey: (await generateIdentityKeyPair()).publicKeyRaw };
}

describe('safety numbers', () => {
  it('match an independent implementation of the iterated SHA-512 fingerprint', async () => {
    const [alice, bob] = [await party(), await party()];
    const ours = await computeSafetyNumber(alice, bob);
    const a = oracleFingerprint(alice);
    const b = oracleFingerprint(bob);
    expect(ours.digits).toBe(a.digits < b.digits ? a.digits + b.digits : b.digits + a.digits);
    expect(ours.groups).toHaveLength(12);
    expect(ours.groups.join('')).toBe(ours.digits);
    expect(Buffer.from(ours.qrPayload).toString('hex')).toBe('0000' + a.hash.subarray(0, 32).toString('hex') + b.hash.subarray(0, 32).toString('hex'));
  });

  it('chunks are 5 bytes big-endian mod 100000, zero-padded', () => {
    const hash = new Uint8Array(30);
    hash.set([0xff, 0xff, 0xff, 0xff, 0xff], 0); // 1099511627775 % 100000 = 27775
    hash.set([0, 0, 0, 0, 7], 5);
    expect(fingerprintDigits(hash)).toBe('27775' + '00007' + '00000'.repeat(4));
  });

  it('both sides see the same 60 digits, and scanning each other matches', async () => {
    const [alice, bob] = [await party(), await party()];
    const onAlice = await computeSafetyNumber(alice, bob);
    const onBob = await computeSafetyNumber(bob, alice);
    expect(onAlice.digits).toMatch(/^\d{60}$/);
    expect(onAlice.digits).toBe(onBob.digits);
    expect(compareScannedSafetyNumber(onAlice, onBob.qrPayload)).toBe('match');
    expect(compareScannedSafetyNumber(onBob, onAlice.qrPayload)).toBe('match');
    expect(compareScannedSafetyNumber(onAlice, onAlice.qrPayload)).toBe('mismatch');
    expect(safetyNumberDigitsMatch(onBob, onAlice.groups.join(' '))).toBe(true);
  });

  it('differs when either identity key or user id changes', async () => {
    const [alice, bob] = [await party(), await party()];
    const real = await computeSafetyNumber(alice, bob);
    const mitmKey = await computeSafetyNumber(alice, { ...bob, identityPublicKey: (await generateIdentityKeyPair()).publicKeyRaw });
    const otherUser = await computeSafetyNumber(alice, { ...bob, userId: randomUUID() });
    for (const changed of [mitmKey, otherUser]) {
      expect(changed.digits).not.toBe(real.digits);
      expect(compareScannedSafetyNumber(changed, (await computeSafetyNumber(bob, alice)).qrPayload)).toBe('mismatch');
      expect(safetyNumberDigitsMatch(changed, real.digits)).toBe(false);
    }
  });

  it('a QR payload of another version or length is not a match', async () => {
    const ours = await computeSafetyNumber(await party(), await party());
    const v1 = new Uint8Array(ours.qrPayload);
    v1[1] = 1;
    expect(compareScannedSafetyNumber(ours, v1)).toBe('unsupported-version');
    expect(compareScannedSafetyNumber(ours, ours.qrPayload.subarray(0, 65))).toBe('mismatch');
    expect(compareScannedSafetyNumber(ours, new Uint8Array(0))).toBe('mismatch');
    expect(safetyNumberDigitsMatch(ours, ours.digits.slice(1))).toBe(false);
  });
});
