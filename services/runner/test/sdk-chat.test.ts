import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CipherLinkClient, EncryptionNotReadyError, MemoryKeyStore, type DecryptedMessage } from '@cipherlink/client';
import { startTestStack, uniqueName } from './harness';
import type { Stack } from '../src/stack';

/**
 * Two SDK clients in Node talk through the whole stack (auth, directory, message-store, presence, gateway over real
 * PostgreSQL, Redis and NATS): the same code paths a browser uses, minus the UI.
 */

let stack: Stack;
const clients: CipherLinkClient[] = [];
const password = 'correct horse battery staple';

function newClient(keyStore = new MemoryKeyStore()) {
  const c = new CipherLinkClient({ baseUrl: stack.url, keyStore, WebSocket, cookieJar: true, backupDebounceMs: 50 });
  clients.push(c);
  return c;
}

function nextMessage(c: CipherLinkClient, pred: (m: DecryptedMessage) => boolean, timeoutMs = 10_000): Promise<DecryptedMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a message'));
    }, timeoutMs);
    const off = c.on('message', (m) => {
      if (pred(m)) {
        clearTimeout(timer);
        off();
        resolve(m);
      }
    });
  });
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await stack?.close();
});

describe('SDK to SDK through the whole stack', () => {
  it('exchanges encrypted messages both ways, catches up after being offline and reads history after a restart', async () => {
    const aliceName = uniqueName('alice');
    const bobName = uniqueName('bob');
    const aliceKeys = new MemoryKeyStore();
    const bobKeys = new MemoryKeyStore();
    const alice = newClient(aliceKeys);
    let bob = newClient(bobKeys);
    await alice.register(aliceName, password);
    await bob.register(bobName, password);
    const aliceSession = await alice.login(aliceName, password);
    const bobSession = await bob.login(bobName, password);

    const bobUser = await alice.findUser(bobName);
    expect(bobUser?.id).toBe(bobSession.user.id);
    const dm = await alice.openDm(bobUser!.id);
    expect((await alice.openDm(bobUser!.id)).id).toBe(dm.id);

    const received = nextMessage(bob, (m) => !m.mine && m.body.kind === 'text');
    const sent = await alice.sendText(dm.id, 'hello bob');
    expect(sent.status).toBe('sent');
    expect(sent.seq).toBe(1);
    const got = await received;
    expect(got.body).toEqual({ kind: 'text', text: 'hello bob' });
    expect(got.senderUserId).toBe(aliceSession.user.id);

    const reply = nextMessage(alice, (m) => !m.mine && m.body.kind === 'text');
    await bob.sendText(dm.id, 'hi alice');
    expect((await reply).body).toEqual({ kind: 'text', text: 'hi alice' });

    // Bob goes offline; Alice sends three; Bob comes back (same device keys) and gets all three, in order, once.
    await bob.close();
    for (const n of [1, 2, 3]) await alice.sendText(dm.id, `missed ${n}`);
    bob = newClient(bobKeys);
    await bob.login(bobName, password);
    const history = await bob.history(dm.id);
    const texts = history.map((m) => (m.body.kind === 'text' ? m.body.text : `<${m.body.reason}>`));
    expect(texts).toEqual(['hello bob', 'hi alice', 'missed 1', 'missed 2', 'missed 3']);
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(history.map((m) => m.id)).size).toBe(5);

    // Alice reads her own sent messages from history too (her device keeps its own sender keys' first shares).
    const aliceAgain = newClient(aliceKeys);
    await aliceAgain.login(aliceName, password);
    const aliceHistory = await aliceAgain.history(dm.id);
    expect(aliceHistory.filter((m) => m.body.kind === 'text')).toHaveLength(5);
  });

  it('a browser without the user’s keys reads nothing until it is restored, and never shows garbage', async () => {
    const aliceName = uniqueName('alice');
    const bobName = uniqueName('bob');
    const alice = newClient();
    const bob = newClient();
    await alice.register(aliceName, password);
    await bob.register(bobName, password);
    await alice.login(aliceName, password);
    const bobSession = await bob.login(bobName, password);
    const dm = await alice.openDm(bobSession.user.id);
    const delivered = nextMessage(bob, (m) => m.body.kind === 'text');
    await alice.sendText(dm.id, 'for your first device');
    // Bob's first device got Alice's key (it decrypted the message) and puts it into his key backup (debounced;
    // here at once).
    await delivered;
    await bob.flushBackup();
    // Bob on a fresh browser: the account's keys are elsewhere, so this browser must restore before reading.
    const bobElsewhere = newClient(new MemoryKeyStore());
    const signIn = await bobElsewhere.login(bobName, password);
    expect(signIn.encryption).toBe('needs-restore');
    await expect(bobElsewhere.history(dm.id)).rejects.toBeInstanceOf(EncryptionNotReadyError);
    await expect(bobElsewhere.sendText(dm.id, 'hello?')).rejects.toBeInstanceOf(EncryptionNotReadyError);
    // The conversation list works without keys (it is not encrypted).
    expect((await bobElsewhere.conversations()).map((c) => c.id)).toEqual([dm.id]);
    await bobElsewhere.restoreFromRecoveryKey(bobSession.recoveryKey!);
    const [m] = await bobElsewhere.history(dm.id);
    expect(m?.body).toEqual({ kind: 'text', text: 'for your first device' });
  });
});
