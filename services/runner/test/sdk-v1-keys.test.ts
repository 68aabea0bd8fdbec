import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CipherLinkClient,
  EncryptionNotReadyError,
  InvalidRecoveryKeyError,
  MemoryKeyStore,
  UntrustedIdentityError,
  WrongBackupKeyError,
  type CipherLinkClientOptions,
  type DecryptedMessage,
} from '@cipherlink/client';
import { nextEvent } from './sdk-events';
import { startTestStack, TestHttp, uniqueName } from './harness';
import type { Stack } from '../src/stack';

/**
 * Protocol v1 keys through the whole stack: restoring a second browser from the recovery key or the backup
 * passphrase (full history), refusing a wrong key without changing anything, identity changes of a verified
 * contact, keys asked from the user's other device, and messages that arrive before their key.
 */

let stack: Stack;
const clients: CipherLinkClient[] = [];
const password = 'correct horse battery staple';

function newClient(keyStore = new MemoryKeyStore(), opts: Partial<CipherLinkClientOptions> = {}) {
  const c = new CipherLinkClient({ baseUrl: stack.url, keyStore, WebSocket, cookieJar: true, backupDebounceMs: 50, ...opts });
  clients.push(c);
  return c;
}

const next = nextEvent;

const textOf = (m: DecryptedMessage) => (m.body.kind === 'text' ? m.body.text : `<${m.body.kind === 'undecryptable' ? m.body.code : m.body.kind}>`);
const isText = (text: string) => (m: DecryptedMessage) => m.body.kind === 'text' && m.body.text === text;

async function user(prefix: string, opts: Partial<CipherLinkClientOptions> = {}) {
  const name = uniqueName(prefix);
  const keyStore = new MemoryKeyStore();
  const client = newClient(keyStore, opts);
  await client.register(name, password);
  const signIn = await client.login(name, password);
  return { name, client, keyStore, id: signIn.user.id, deviceId: signIn.deviceId, recoveryKey: signIn.recoveryKey! };
}

async function backupVersion(name: string): Promise<number> {
  const http = new TestHttp(stack.url);
  await http.login(name, password);
  return (await http.request('GET', '/api/directory/key-backup')).body.version;
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await stack?.close();
});

describe('SDK protocol v1: recovery, backup and other devices', () => {
  it('a second browser refuses wrong recovery keys without changing anything, then restores and reads the full history', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const dm = await alice.client.openDm(bob.id);
    const room = await bob.client.createRoom('history');
    await bob.client.addMember(room.id, alice.id);
    const got = next(bob.client, 'message', isText('dm from alice'));
    await alice.client.sendText(dm.id, 'dm from alice');
    await got;
    await bob.client.sendText(dm.id, 'dm from bob');
    await bob.client.sendText(room.id, 'room from bob');
    await next(alice.client, 'message', isText('room from bob'));
    await alice.client.sendText(room.id, 'room from alice');
    // Alice's backup holds her own keys and the ones Bob distributed to her.
    await alice.client.flushBackup();
    const versionBefore = await backupVersion(alice.name);

    const secondStore = new MemoryKeyStore();
    const second = newClient(secondStore);
    const signIn = await second.login(alice.name, password);
    expect(signIn).toMatchObject({ encryption: 'needs-restore', deviceId: '' });
    expect(signIn.recoveryKey).toBeUndefined();
    await expect(second.history(dm.id)).rejects.toBeInstanceOf(EncryptionNotReadyError);

    // A typo is caught by the checksum; someone else's (valid) recovery key does not open Alice's backup.
    const typo = alice.recoveryKey.slice(0, -1) + (alice.recoveryKey.endsWith('0') ? '1' : '0');
    await expect(second.restoreFromRecoveryKey(typo)).rejects.toBeInstanceOf(InvalidRecoveryKeyError);
    await expect(second.restoreFromRecoveryKey(carol.recoveryKey)).rejects.toBeInstanceOf(WrongBackupKeyError);
    await expect(second.restoreFromPassphrase('no passphrase was ever set here')).rejects.toBeInstanceOf(WrongBackupKeyError);
    // Nothing was written anywhere: no keys here, no new device, the same backup, still waiting for a restore.
    expect(await secondStore.listRecords(alice.id, '')).toEqual([]);
    expect(second.encryptionState).toBe('needs-restore');
    expect((await alice.client.devices()).map((d) => d.deviceId)).toEqual([alice.deviceId]);
    expect(await backupVersion(alice.name)).toBe(versionBefore);

    // The key as a person might type it: lowercase, dashes instead of spaces.
    await second.restoreFromRecoveryKey(alice.recoveryKey.toLowerCase().replaceAll(' ', '-'));
    expect(second.encryptionState).toBe('ready');
    expect(second.session!.deviceId).not.toBe(alice.deviceId);
    expect((await second.history(dm.id)).map(textOf)).toEqual(['dm from alice', 'dm from bob']);
    expect((await second.history(room.id)).map(textOf)).toEqual(['room from bob', 'room from alice']);
    expect((await alice.client.devices()).length).toBe(2);

    // New messages reach both of Alice's devices: Bob and Alice's first device start new epochs for the new device.
    const atFirst = next(alice.client, 'message', isText('after the restore'));
    const atSecond = next(second, 'message', isText('after the restore'));
    await bob.client.sendText(dm.id, 'after the restore');
    await Promise.all([atFirst, atSecond]);
    const ownOther = next(second, 'message', isText('from my first device'));
    await alice.client.sendText(room.id, 'from my first device');
    expect(await ownOther).toMatchObject({ mine: true, senderDeviceId: alice.deviceId });
  });

  it('a passphrase is a second way into the backup', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const dm = await alice.client.openDm(bob.id);
    await alice.client.sendText(dm.id, 'before the passphrase');
    await expect(alice.client.setBackupPassphrase('too short')).rejects.toBeInstanceOf(RangeError);
    expect(alice.client.backupStatus().hasPassphrase).toBe(false);
    await alice.client.setBackupPassphrase('a long and memorable backup passphrase');
    expect(alice.client.backupStatus()).toMatchObject({ hasPassphrase: true, canUpdate: true });
    // The passphrase is in no stored record (only the slot that it opens is, inside the backup's writer).
    const stored = JSON.stringify(await alice.keyStore.listRecords(alice.id, ''), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
    expect(stored).toContain('"kind":"passphrase"');
    expect(stored).not.toContain('memorable');
    await alice.client.sendText(dm.id, 'after the passphrase');
    await alice.client.flushBackup();

    const second = newClient();
    await second.login(alice.name, password);
    await expect(second.restoreFromPassphrase('a wrong but equally long passphrase')).rejects.toBeInstanceOf(WrongBackupKeyError);
    await second.restoreFromPassphrase('a long and memorable backup passphrase');
    expect((await second.history(dm.id)).map(textOf)).toEqual(['before the passphrase', 'after the passphrase']);
    // Restored with the passphrase only, this device keeps the backup up to date (it holds the backup's writer: its
    // data key) but cannot change the passphrase, which needs the recovery key. The passphrase is never stored.
    expect(second.backupStatus()).toMatchObject({ canUpdate: true, canSetPassphrase: false, hasPassphrase: true });
    await expect(second.setBackupPassphrase('another long and memorable passphrase')).rejects.toThrow(/recovery key/);
    await second.sendText(dm.id, 'from the passphrase device');
    await second.flushBackup();
    expect(second.backupStatus().lastError).toBeUndefined();
    await second.close();
    await alice.client.close();

    // With both earlier devices gone, a device restored with the recovery key reads the passphrase device's message
    // through the key that device backed up; it then keeps the backup current without knowing the passphrase,
    // whose slot stays as it was.
    const third = newClient();
    await third.login(alice.name, password);
    await third.restoreFromRecoveryKey(alice.recoveryKey);
    expect((await third.history(dm.id)).map(textOf)).toEqual(['before the passphrase', 'after the passphrase', 'from the passphrase device']);
    const atThird = next(third, 'message', isText('from bob, later'));
    await bob.client.sendText(dm.id, 'from bob, later');
    await atThird;
    await third.flushBackup();
    expect(third.backupStatus()).toMatchObject({ canUpdate: true, canSetPassphrase: true, hasPassphrase: true });
    expect(third.backupStatus().lastError).toBeUndefined();
    const fourth = newClient();
    await fourth.login(alice.name, password);
    await fourth.restoreFromPassphrase('a long and memorable backup passphrase');
    expect((await fourth.history(dm.id)).map(textOf)).toEqual(['before the passphrase', 'after the passphrase', 'from the passphrase device', 'from bob, later']);
  });

  it('a new device asks the user’s other online device for keys the backup does not have yet', async () => {
    // A backup delay far longer than the test: Alice's first device never uploads her sender key.
    const alice = await user('alice', { backupDebounceMs: 600_000 });
    const bob = await user('bob');
    const dm = await alice.client.openDm(bob.id);
    await alice.client.sendText(dm.id, 'only my devices know this key');
    const second = newClient();
    await second.login(alice.name, password);
    const decrypted = next(second, 'message', isText('only my devices know this key'));
    await second.restoreFromRecoveryKey(alice.recoveryKey);
    const list = await second.history(dm.id);
    // Either already answered by the first device, or still waiting and decrypted as soon as the answer comes.
    if (list[0]?.body.kind !== 'text') expect(list[0]?.body).toMatchObject({ kind: 'undecryptable', code: 'waiting-for-key', retrying: true });
    await decrypted;
    expect((await second.history(dm.id)).map(textOf)).toEqual(['only my devices know this key']);
  });

  it('shows messages whose key has not arrived as "can\'t decrypt yet" and decrypts them when it does', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const dm = await alice.client.openDm(bob.id);
    await bob.client.close();
    for (const n of [1, 2, 3]) await alice.client.sendText(dm.id, `while bob was away ${n}`);
    // Bob comes back; the key packages he missed are held back on the way to him until the test releases them.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slowFetch: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/api/messages/key-packages')) await held;
      return fetch(input, init);
    };
    const bobAgain = newClient(bob.keyStore, { fetch: slowFetch });
    await bobAgain.login(bob.name, password);
    const waiting = await bobAgain.history(dm.id);
    expect(waiting.map(textOf)).toEqual(['<waiting-for-key>', '<waiting-for-key>', '<waiting-for-key>']);
    expect(waiting[0]!.body).toMatchObject({ reason: "can't decrypt yet: waiting for the sender's key", retrying: true });
    const last = next(bobAgain, 'message', isText('while bob was away 3'));
    release();
    await last;
    expect((await bobAgain.history(dm.id)).map(textOf)).toEqual(['while bob was away 1', 'while bob was away 2', 'while bob was away 3']);
  });
});

describe('SDK protocol v1: identity changes', () => {
  it('blocks sending to a verified contact whose identity key changed until the change is accepted', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const dm = await alice.client.openDm(bob.id);
    const first = next(bob.client, 'message', isText('before'));
    await alice.client.sendText(dm.id, 'before');
    await first;
    const before = await alice.client.safetyNumber(bob.id);
    expect(before.digits).toBe((await bob.client.safetyNumber(alice.id)).digits);
    await alice.client.markVerified(bob.id);
    expect(await alice.client.isVerified(bob.id)).toBe(true);

    // Bob lost his recovery key and resets: a new identity key, a new device, a new recovery key.
    const changed = next(alice.client, 'identity-changed', (e) => e.userId === bob.id);
    const { recoveryKey } = await bob.client.resetIdentity();
    expect(recoveryKey).not.toBe(bob.recoveryKey);
    expect(await changed).toEqual({ userId: bob.id, conversationIds: [dm.id], wasVerified: true, blocked: true });
    expect(await alice.client.trustOf(bob.id)).toBe('changed');
    expect(await alice.client.isVerified(bob.id)).toBe(false);
    expect(await alice.client.securityNotices(dm.id)).toMatchObject([{ userId: bob.id, kind: 'identity-changed' }]);
    await expect(alice.client.sendText(dm.id, 'blocked')).rejects.toBeInstanceOf(UntrustedIdentityError);
    expect((await alice.client.history(dm.id)).map(textOf)).toEqual(['before']);

    // The new safety number differs; Alice accepts the new key and can write again, to Bob's new device.
    const after = await alice.client.safetyNumber(bob.id);
    expect(after.digits).not.toBe(before.digits);
    expect(after.digits).toBe((await bob.client.safetyNumber(alice.id)).digits);
    await alice.client.acceptIdentityChange(bob.id);
    expect(await alice.client.trustOf(bob.id)).toBe('unverified');
    expect(await alice.client.securityNotices(dm.id)).toEqual([]);
    const delivered = next(bob.client, 'message', isText('welcome back'));
    await alice.client.sendText(dm.id, 'welcome back');
    await delivered;
  });

  it('an unverified contact’s key change is reported but does not block', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const dm = await alice.client.openDm(bob.id);
    await alice.client.sendText(dm.id, 'hello');
    const changed = next(alice.client, 'identity-changed', (e) => e.userId === bob.id);
    await bob.client.resetIdentity();
    expect(await changed).toMatchObject({ wasVerified: false, blocked: false });
    const delivered = next(bob.client, 'message', isText('still talking'));
    await alice.client.sendText(dm.id, 'still talking');
    await delivered;
  });
});
