import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CipherLinkClient, MemoryKeyStore, type CipherLinkClientOptions, type DecryptedMessage } from '@cipherlink/client';
import { nextEvent } from './sdk-events';
import { startTestStack, uniqueName } from './harness';
import type { Stack } from '../src/stack';

/**
 * Protocol v1 between SDK clients in Node through the whole stack (auth, directory, message-store, presence,
 * gateway over real PostgreSQL, Redis and NATS): identity keys, certified devices, sender keys distributed over the
 * socket, encrypted payloads, the key backup. Each client keeps its keys in its own MemoryKeyStore.
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

const textOf = (m: DecryptedMessage) => (m.body.kind === 'text' ? m.body.text : `<${m.body.kind}:${m.body.kind === 'undecryptable' ? m.body.code : ''}>`);

/** A registered user signed in on a fresh client (first sign-in: keys created). */
async function user(prefix: string, keyStore = new MemoryKeyStore()) {
  const name = uniqueName(prefix);
  const client = newClient(keyStore);
  await client.register(name, password);
  const signIn = await client.login(name, password);
  return { name, client, keyStore, signIn, id: signIn.user.id };
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await stack?.close();
});

describe('SDK protocol v1: direct messages', () => {
  it('creates keys on first sign-in, chats both ways, catches up after being offline and reads history after a restart', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    // First sign-in: keys created, the recovery key handed out once.
    expect(alice.signIn.encryption).toBe('ready');
    expect(alice.signIn.recoveryKey).toMatch(/^([0-9A-Z]{4} ){15}[0-9A-Z]{4}$/);
    expect(alice.client.encryptionState).toBe('ready');

    const dm = await alice.client.openDm(bob.id);
    const received = next(bob.client, 'message', (m) => !m.mine && m.body.kind === 'text');
    const sent = await alice.client.sendText(dm.id, 'hello bob');
    expect(sent).toMatchObject({ status: 'sent', seq: 1, protocol: 1 });
    const got = await received;
    expect(got).toMatchObject({ body: { kind: 'text', text: 'hello bob' }, senderUserId: alice.id, protocol: 1 });

    const reply = next(alice.client, 'message', (m) => !m.mine && m.body.kind === 'text');
    await bob.client.sendText(dm.id, 'hi alice', { replyTo: got.id });
    expect(await reply).toMatchObject({ body: { kind: 'text', text: 'hi alice' }, replyTo: { messageId: got.id, quote: 'hello bob' } });

    // Bob goes offline; Alice sends three; Bob comes back (same keys) and gets all three, in order, once.
    await bob.client.close();
    for (const n of [1, 2, 3]) await alice.client.sendText(dm.id, `missed ${n}`);
    const bobAgain = newClient(bob.keyStore);
    const again = await bobAgain.login(bob.name, password);
    expect(again.encryption).toBe('ready');
    expect(again.recoveryKey).toBeUndefined();
    expect(again.deviceId).toBe(bob.signIn.deviceId);
    const history = await bobAgain.history(dm.id);
    expect(history.map(textOf)).toEqual(['hello bob', 'hi alice', 'missed 1', 'missed 2', 'missed 3']);
    expect(history.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);

    // Alice after a reload reads her own messages too (her own sender key's first share is kept).
    await alice.client.close();
    const aliceAgain = newClient(alice.keyStore);
    await aliceAgain.login(alice.name, password);
    expect((await aliceAgain.history(dm.id)).map(textOf)).toEqual(['hello bob', 'hi alice', 'missed 1', 'missed 2', 'missed 3']);

    // Safety numbers are the same 60 digits on both sides.
    const a = await aliceAgain.safetyNumber(bob.id);
    const b = await bobAgain.safetyNumber(alice.id);
    expect(a.digits).toMatch(/^\d{60}$/);
    expect(a.digits).toBe(b.digits);
    expect(await bobAgain.compareSafetyNumberQr(alice.id, a.qrPayload)).toBe('match');
  });
});
