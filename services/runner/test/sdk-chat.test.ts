import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CipherLinkClient, MemoryKeyStore, type DecryptedMessage } from '@cipherlink/client';
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
  const c = new CipherLinkClient({ baseUrl: stack.url, keyStore, WebSocket, cookieJar: true });
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

    // Alice reads her own sent messages from history too (the pairwise key is symmetric).
    const aliceAgain = newClient(aliceKeys);
    await aliceAgain.login(aliceName, password);
    const aliceHistory = await aliceAgain.history(dm.id);
    expect(aliceHistory.filter((m) => m.body.kind === 'text')).toHaveLength(5);
  });

  it('shows messages addressed to a device this client does not hold as undecryptable, never garbage', async () => {
    const aliceName = uniqueName('alice');
    const bobName = uniqueName('bob');
    const alice = newClient();
    const bob = newClient();
    await alice.register(aliceName, password);
    await bob.register(bobName, password);
    await alice.login(aliceName, password);
    const bobSession = await bob.login(bobName, password);
    const dm = await alice.openDm(bobSession.user.id);
    await alice.sendText(dm.id, 'for your first device');
    // Bob on a fresh browser: a new device with new keys.
    const bobElsewhere = newClient(new MemoryKeyStore());
    await bobElsewhere.login(bobName, password);
    const [m] = await bobElsewhere.history(dm.id);
    expect(m?.body.kind).toBe('undecryptable');
  });
});
