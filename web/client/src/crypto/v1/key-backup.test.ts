import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { signEcdsaP256, verifyEcdsaP256 } from './ecdsa';
import { CryptoParameterError, InvalidKeyBackupError, InvalidRecoveryKeyError, WrongBackupKeyError } from './errors';
import { exportIdentityKeyForBackup, generateIdentityKeyPair, importIdentityKeyFromBackup } from './identity';
import { InboundSenderKey } from './inbound-sender-key';
import {
  addPassphraseSlot,
  createKeyBackup,
  MAX_BACKUP_ITERATIONS,
  openKeyBackup,
  openKeyBackupForWriting,
  openKeyBackupWithWriter,
  resealKeyBackup,
  sealKeyBackup,
  type KeyBackupBlob,
  type KeyBackupContents,
} from './key-backup';
import { OutboundSenderKey } from './outbound-sender-key';
import { MIN_BACKUP_ITERATIONS } from './pbkdf2';
import { testMessageId } from './protocol.testkit';
import { generateRecoveryKey, type RecoveryKey } from './recovery-key';

const passphrase = 'correct horse battery staple';
const userId = randomUUID();
const deviceId = randomUUID();

async function errorName(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) => (e as Error).name,
  );
}

describe('encrypted key backup', () => {
  let recovery: RecoveryKey;
  let contents: KeyBackupContents;
  let outbound: OutboundSenderKey;
  let blob: string;
  let withPassphrase: string;

  beforeAll(async () => {
    recovery = await generateRecoveryKey();
    const identity = await generateIdentityKeyPair({ extractable: true });
    outbound = await OutboundSenderKey.create({ conversationId: randomUUID(), epoch: 0, senderDeviceId: deviceId, senderUserId: userId });
    contents = { userId, createdAt: 1_764_000_000_000, identity: await exportIdentityKeyForBackup(identity), senderKeys: [outbound.share()] };
    blob = await createKeyBackup(contents, { recoveryKey: recovery.key });
    withPassphrase = await createKeyBackup(contents, { recoveryKey: recovery.key, passphrase });
  });

  it('round trip with the recovery key (bytes or typed text): identity and sender keys come back usable', async () => {
    expect(await openKeyBackup(blob, { recoveryKey: recovery.key })).toEqual(contents);
    const restored = await openKeyBackup(blob, { recoveryKey: recovery.text.toLowerCase() });
    expect(restored).toEqual(contents);
    const identity = await importIdentityKeyFromBackup(restored.identity);
    expect(identity.privateKey.extractable).toBe(false);
    const data = new TextEncoder().encode('certify me');
    expect(await verifyEcdsaP256(identity.publicKey, data, await signEcdsaP256(identity.privateKey, data))).toBe(true);
    // History sent before the backup is readable on the restored device.
    const env = await outbound.encrypt(testMessageId(), { type: 'text', text: 'from before' });
    const inbound = await InboundSenderKey.fromShare(restored.senderKeys[0]!);
    const routed = { conversationId: env.conversationId, messageId: env.messageId, senderUserId: userId, senderDeviceId: deviceId };
    expect((await inbound.decrypt(env, routed)).payload).toEqual({ type: 'text', text: 'from before' });
  });

  it('round trip with the passphrase, and the recovery key still opens the same blob', async () => {
    const b = JSON.parse(withPassphrase) as KeyBackupBlob;
    expect(b.slots.map((s) => [s.kind, s.kdf, s.iterations])).toEqual([['recovery-key', 'HKDF-SHA-256', undefined], ['passphrase', 'PBKDF2-SHA-256', MIN_BACKUP_ITERATIONS]]);
    expect(await openKeyBackup(withPassphrase, { passphrase })).toEqual(contents);
    expect(await openKeyBackup(withPassphrase, { recoveryKey: recovery.key })).toEqual(contents);
  });

  describe('writers: new versions without either secret', () => {
    it('a device restored with the passphrase writes a new version: same slots, fresh IV, both secrets still open it', async () => {
      const { contents: opened, writer } = await openKeyBackupForWriting(withPassphrase, { passphrase });
      expect(opened).toEqual(contents);
      expect(writer.dataKey.extractable).toBe(false);
      const more = { ...contents, createdAt: contents.createdAt + 1, senderKeys: [...contents.senderKeys, { ...outbound.share(), epoch: 7 }] };
      const next = await resealKeyBackup(writer, more);
      const before = JSON.parse(withPassphrase) as KeyBackupBlob;
      const after = JSON.parse(next) as KeyBackupBlob;
      expect(after.slots).toEqual(before.slots);
      expect(after.iv).not.toBe(before.iv);
      expect(await openKeyBackup(next, { passphrase })).toEqual(more);
      expect(await openKeyBackup(next, { recoveryKey: recovery.key })).toEqual(more);
      expect(await openKeyBackupWithWriter(next, writer)).toEqual(more);
    });

    it('a writer does not open a backup re-keyed by another device; altered contents are refused', async () => {
      const { writer } = await sealKeyBackup(contents, { recoveryKey: recovery.key });
      expect(await openKeyBackupWithWriter(blob, writer)).toBeUndefined(); // another data key, other slots
      const mine = await resealKeyBackup(writer, contents);
      const b = JSON.parse(mine) as KeyBackupBlob;
      const altered = JSON.stringify({ ...b, ct: b.ct.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) });
      await expect(openKeyBackupWithWriter(altered, writer)).rejects.toBeInstanceOf(InvalidKeyBackupError);
    });

    it('adding a passphrase slot keeps the data key, the recovery slot and the contents', async () => {
      const sealed = await sealKeyBackup(contents, { recoveryKey: recovery.key });
      const added = await addPassphraseSlot(sealed.blob, recovery.key, passphrase);
      const before = JSON.parse(sealed.blob) as KeyBackupBlob;
      const after = JSON.parse(added.blob) as KeyBackupBlob;
      expect(after.slots[0]).toEqual(before.slots[0]);
      expect(after.slots.map((s) => s.kind)).toEqual(['recovery-key', 'passphrase']);
      expect(after.ct).toBe(before.ct);
      expect(await openKeyBackup(added.blob, { passphrase })).toEqual(contents);
      // A writer holding the old slots sees that the slots changed (it could not check a slot it cannot open) and
      // writes nothing until it opens the backup again with a secret; the new writer carries the new slots on.
      expect(await openKeyBackupWithWriter(added.blob, sealed.writer)).toBeUndefined();
      expect(await openKeyBackupWithWriter(added.blob, added.writer)).toEqual(contents);
      const next = await resealKeyBackup(added.writer, contents);
      expect(await openKeyBackup(next, { passphrase })).toEqual(contents);
      await expect(addPassphraseSlot(sealed.blob, (await generateRecoveryKey()).key, passphrase)).rejects.toBeInstanceOf(WrongBackupKeyError);
      await expect(addPassphraseSlot(sealed.blob, recovery.key, 'too short')).rejects.toBeInstanceOf(CryptoParameterError);
    });
  });

  it('a wrong recovery key or passphrase is WrongBackupKeyError, never garbage', async () => {
    const other = await generateRecoveryKey();
    expect(await errorName(openKeyBackup(blob, { recoveryKey: other.key }))).toBe('WrongBackupKeyError');
    expect(await errorName(openKeyBackup(blob, { recoveryKey: other.text }))).toBe('WrongBackupKeyError');
    expect(await errorName(openKeyBackup(withPassphrase, { passphrase: `${passphrase}!` }))).toBe('WrongBackupKeyError');
    expect(await errorName(openKeyBackup(withPassphrase, { passphrase: 'short' }))).toBe('WrongBackupKeyError');
    await expect(openKeyBackup(blob, { passphrase })).rejects.toThrow(/no passphrase/);
    await expect(openKeyBackup(blob, { passphrase })).rejects.toBeInstanceOf(WrongBackupKeyError);
  });

  it('a mistyped recovery key is caught by its checksum before any decryption', async () => {
    const typo = recovery.text.slice(0, 5) + (recovery.text[5] === 'Z' ? 'Y' : 'Z') + recovery.text.slice(6);
    await expect(openKeyBackup(blob, { recoveryKey: typo })).rejects.toBeInstanceOf(InvalidRecoveryKeyError);
  });

  it('an altered slot reads as a wrong key; altered contents as an invalid backup', async () => {
    const b = JSON.parse(blob) as KeyBackupBlob;
    const flip = (s: string) => {
      const x = Buffer.from(s, 'base64url');
      x[0]! ^= 1;
      return x.toString('base64url');
    };
    const slot = b.slots[0]!;
    for (const altered of [{ ...slot, salt: flip(slot.salt) }, { ...slot, iv: flip(slot.iv) }, { ...slot, wrappedKey: flip(slot.wrappedKey) }]) {
      expect(await errorName(openKeyBackup(JSON.stringify({ ...b, slots: [altered] }), { recoveryKey: recovery.key }))).toBe('WrongBackupKeyError');
    }
    for (const altered of [{ ...b, iv: flip(b.iv) }, { ...b, ct: flip(b.ct) }]) {
      expect(await errorName(openKeyBackup(JSON.stringify(altered), { recoveryKey: recovery.key }))).toBe('InvalidKeyBackupError');
    }
  });

  it('passphrase slot iterations: raised in the blob, the key no longer opens; below the minimum, refused unread', async () => {
    const b = JSON.parse(withPassphrase) as KeyBackupBlob;
    const withIterations = (iterations: number) => JSON.stringify({ ...b, slots: [b.slots[0], { ...b.slots[1], iterations }] });
    expect(await errorName(openKeyBackup(withIterations(MIN_BACKUP_ITERATIONS + 1), { passphrase }))).toBe('WrongBackupKeyError');
    expect(await errorName(openKeyBackup(withIterations(1000), { passphrase }))).toBe('InvalidKeyBackupError');
    expect(await errorName(openKeyBackup(withIterations(MAX_BACKUP_ITERATIONS + 1), { passphrase }))).toBe('InvalidKeyBackupError');
  }, 30_000);

  it('malformed blobs are InvalidKeyBackupError', async () => {
    const b = JSON.parse(blob) as KeyBackupBlob;
    const bad = ['', 'null', '[]', '{}', JSON.stringify({ ...b, v: 2 }), JSON.stringify({ ...b, extra: 1 }), JSON.stringify({ ...b, slots: [] }), JSON.stringify({ ...b, slots: [b.slots[0], b.slots[0]] }), JSON.stringify({ ...b, slots: [{ ...b.slots[0], kind: 'totp' }] }), JSON.stringify({ ...b, iv: 'AA' })];
    for (const text of bad) expect([text.slice(0, 30), await errorName(openKeyBackup(text, { recoveryKey: recovery.key }))]).toEqual([text.slice(0, 30), 'InvalidKeyBackupError']);
  });

  it('creating: a short passphrase or too few iterations is refused; a non-extractable identity cannot be exported', async () => {
    await expect(createKeyBackup(contents, { recoveryKey: recovery.key, passphrase: 'too short' })).rejects.toThrow(CryptoParameterError);
    await expect(createKeyBackup(contents, { recoveryKey: recovery.key, passphrase, iterations: 100_000 })).rejects.toThrow(CryptoParameterError);
    await expect(createKeyBackup(contents, { recoveryKey: recovery.key.subarray(1) })).rejects.toThrow(CryptoParameterError);
    await expect(exportIdentityKeyForBackup(await generateIdentityKeyPair())).rejects.toThrow(/not extractable/);
    expect(blob).not.toContain(Buffer.from(contents.identity.privateScalar).toString('base64url'));
  });

  it('a restored identity whose scalar does not match its public key is refused', async () => {
    const other = await exportIdentityKeyForBackup(await generateIdentityKeyPair({ extractable: true }));
    await expect(importIdentityKeyFromBackup({ privateScalar: other.privateScalar, publicKey: contents.identity.publicKey })).rejects.toThrow(/does not match/);
  });
});
