import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CipherLinkClient, crypto, EditNotAllowedError, MemoryKeyStore, type DecryptedMessage } from '@cipherlink/client';
import { HistoryResponse, KeyPackagesResponse } from '@cipherlink/proto';
import { nextEvent } from './sdk-events';
import { startTestStack, TestHttp, uniqueName } from './harness';
import type { Stack } from '../src/stack';

/**
 * Rooms with protocol v1 through the whole stack: three SDK clients, sender keys per device and epoch, a member
 * removed (a new epoch that never reaches their device), reactions, edits and deletes as encrypted payloads.
 */

let stack: Stack;
const clients: CipherLinkClient[] = [];
const password = 'correct horse battery staple';

const next = nextEvent;

const { MessageRejectedError, SenderKeyRing } = crypto.v1;
type SenderKeyShare = crypto.v1.SenderKeyShare;

const textOf = (m: DecryptedMessage) => (m.body.kind === 'text' ? m.body.text : `<${m.body.kind}>`);

async function user(prefix: string) {
  const name = uniqueName(prefix);
  const keyStore = new MemoryKeyStore();
  const client = new CipherLinkClient({ baseUrl: stack.url, keyStore, WebSocket, cookieJar: true, backupDebounceMs: 50 });
  clients.push(client);
  await client.register(name, password);
  const signIn = await client.login(name, password);
  return { name, client, keyStore, id: signIn.user.id, deviceId: signIn.deviceId };
}

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await stack?.close();
});

describe('SDK protocol v1: rooms', () => {
  it('Alice, Bob and Carol chat; Carol is removed and never gets the key of what follows; Alice and Bob read on', async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    const room = await alice.client.createRoom('  Launch team ');
    expect(room).toMatchObject({ kind: 'group', name: 'Launch team' });
    const bobSees = next(bob.client, 'conversations', (list) => list.some((c) => c.id === room.id));
    const carolSees = next(carol.client, 'conversations', (list) => list.some((c) => c.id === room.id));
    await alice.client.addMember(room.id, bob.name);
    await alice.client.addMember(room.id, carol.id);
    await Promise.all([bobSees, carolSees]);

    const members = await alice.client.listMembers(room.id);
    expect(members.map((m) => [m.username, m.role]).sort()).toEqual([
      [alice.name, 'admin'],
      [bob.name, 'member'],
      [carol.name, 'member'],
    ].sort());
    expect(members.every((m) => m.devices.length === 1 && m.devices[0]!.verified)).toBe(true);
    expect(members.find((m) => m.userId === bob.id)!.trust).toBe('unverified');

    const toBob = next(bob.client, 'message', (m) => m.body.kind === 'text' && m.body.text === 'hello team');
    const toCarol = next(carol.client, 'message', (m) => m.body.kind === 'text' && m.body.text === 'hello team');
    const hello = await alice.client.sendText(room.id, 'hello team');
    await Promise.all([toBob, toCarol]);
    const bobHi = next(carol.client, 'message', (m) => m.body.kind === 'text' && m.body.text === 'hi from bob');
    await bob.client.sendText(room.id, 'hi from bob');
    await bobHi;

    // Reactions, an edit and a delete are encrypted payloads applied on every member's client.
    const reacted = next(alice.client, 'message', (m) => m.id === hello.id && (m.reactions?.length ?? 0) > 0);
    await bob.client.react(hello.id, '🚀');
    expect((await reacted).reactions).toEqual([{ emoji: '🚀', userIds: [bob.id], mine: false }]);
    const edited = next(carol.client, 'message', (m) => m.id === hello.id && m.editedAt !== undefined);
    await alice.client.edit(hello.id, 'hello, team!');
    expect((await edited).body).toEqual({ kind: 'text', text: 'hello, team!' });
    await expect(bob.client.edit(hello.id, 'bob rewrites history')).rejects.toBeInstanceOf(EditNotAllowedError);
    const typo = await carol.client.sendText(room.id, 'tpyo');
    const gone = next(bob.client, 'message', (m) => m.id === typo.id && m.body.kind === 'deleted');
    await carol.client.deleteMessage(typo.id);
    await gone;

    // Carol's keys before her removal (what her device was ever given for this room).
    const carolShares = (await carol.keyStore.listRecords<SenderKeyShare>(carol.id, `share/${room.id}/`)).map((r) => r.value);
    expect(carolShares.length).toBeGreaterThanOrEqual(2);

    const carolLeft = next(carol.client, 'conversations', (list) => !list.some((c) => c.id === room.id));
    await alice.client.removeMember(room.id, carol.id);
    await carolLeft;

    const bobAfter = next(bob.client, 'message', (m) => m.body.kind === 'text' && m.body.text === 'carol is gone');
    const after = await alice.client.sendText(room.id, 'carol is gone');
    await bobAfter;
    const aliceAfter = next(alice.client, 'message', (m) => m.body.kind === 'text' && m.body.text === 'bob agrees');
    await bob.client.sendText(room.id, 'bob agrees');
    await aliceAfter;

    expect((await bob.client.history(room.id)).map(textOf)).toEqual(['hello, team!', 'hi from bob', '<deleted>', 'carol is gone', 'bob agrees']);

    // Carol's device never received a key of the new epochs: the server holds no package for it after her removal...
    const carolHttp = new TestHttp(stack.url);
    await carolHttp.login(carol.name, password);
    const pkgs = KeyPackagesResponse.parse((await carolHttp.request('GET', `/api/messages/key-packages?deviceId=${carol.deviceId}&limit=500`)).body);
    const roomPkgs = pkgs.packages.filter((p) => p.conversationId === room.id);
    const epochsOf = (userId: string) => roomPkgs.filter((p) => p.senderUserId === userId).map((p) => p.epoch);
    expect(epochsOf(alice.id)).toEqual([0]);
    expect(epochsOf(bob.id)).toEqual([0]);
    // ...and with every key she ever held, the messages sent after her removal stay "can't decrypt yet".
    const bobHttp = new TestHttp(stack.url);
    await bobHttp.login(bob.name, password);
    const stored = HistoryResponse.parse((await bobHttp.request('GET', `/api/messages/${room.id}`)).body).messages;
    const postRemoval = stored.filter((m) => m.seq > stored.find((s) => s.id === after.id)!.seq - 1);
    expect(postRemoval).toHaveLength(2);
    const ring = new SenderKeyRing();
    for (const s of carolShares) await ring.add(s);
    for (const m of postRemoval) {
      const attempt = ring.decrypt(m.envelope, { conversationId: m.conversationId, messageId: m.id, senderUserId: m.senderUserId, senderDeviceId: m.senderDeviceId });
      await expect(attempt).rejects.toBeInstanceOf(MessageRejectedError);
      await expect(attempt).rejects.toMatchObject({ code: 'missing-sender-key' });
    }
    // (The same ring reads what was sent while she was a member: the keys are the right ones.)
    const before = stored.find((m) => m.id === hello.id)!;
    await expect(ring.decrypt(before.envelope, { conversationId: room.id, messageId: before.id, senderUserId: before.senderUserId, senderDeviceId: before.senderDeviceId })).resolves.toMatchObject({
      payload: { type: 'text', text: 'hello team' },
    });
    // Her client forgot the room and its keys, and the server refuses her its history.
    expect(await carol.keyStore.listRecords(carol.id, `share/${room.id}/`)).toEqual([]);
    expect((await carolHttp.request('GET', `/api/messages/${room.id}`)).status).toBe(404);
  });

  it('a member who leaves stops receiving; the room goes on for the others', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const room = await alice.client.createRoom('Two of us');
    const bobSees = next(bob.client, 'conversations', (list) => list.some((c) => c.id === room.id));
    await alice.client.addMember(room.id, bob.id);
    await bobSees;
    const got = next(bob.client, 'message', (m) => m.body.kind === 'text');
    await alice.client.sendText(room.id, 'welcome');
    await got;
    await bob.client.leaveRoom(room.id);
    expect((await bob.client.conversations()).some((c) => c.id === room.id)).toBe(false);
    const aliceView = await alice.client.listMembers(room.id);
    expect(aliceView.map((m) => m.userId)).toEqual([alice.id]);
    // Alone in the room, Alice can still write (to herself and her future members).
    await expect(alice.client.sendText(room.id, 'anyone?')).resolves.toMatchObject({ status: 'sent' });
  });
});
