import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryResponse, KeyPackagesResponse, MAX_KEY_PACKAGE_BLOB_BYTES, WsCloseCode } from '@cipherlink/proto';
import { uuidv7 } from '@cipherlink/client';
import { connectSocket, openDm, type TestUser } from './actors';
import { startTestStack } from './harness';
import { addDevice, blob, connectAll, createRoom, distribute, envelopeV1, expectNoFrame, newV1User } from './v1-actors';
import type { Stack } from '../src/stack';

/** Sender-key distribution, key requests and v1 envelopes through the whole stack. */

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const fetchPackages = (user: TestUser, deviceId: string, afterSeq = 0) =>
  user.http.request('GET', `/api/messages/key-packages?deviceId=${deviceId}&afterSeq=${afterSeq}`);

describe('key packages (full stack)', () => {
  it('stores packages only for current members’ certified devices and delivers each live to its device only', async () => {
    const [alice, bob, carol, outsider] = await Promise.all([newV1User(stack.url), newV1User(stack.url), newV1User(stack.url), newV1User(stack.url)]);
    const bobLaptop = await addDevice(bob);
    const room = await createRoom(alice, [bob, carol]);
    const [aliceSocket, bobSocket, bobLaptopSocket, carolSocket] = await connectAll(stack.url, alice, bob, bobLaptop, carol);

    const packages = [bob.deviceId, bobLaptop.deviceId, carol.deviceId, outsider.deviceId, randomUUID()].map((recipientDeviceId) => ({ recipientDeviceId, blob: blob() }));
    const answer = await distribute(aliceSocket, room, packages, 3);
    expect(answer.type).toBe('keys.distributed');
    if (answer.type !== 'keys.distributed') return;
    expect(answer.stored.map((s) => s.recipientDeviceId).sort()).toEqual([bob.deviceId, bobLaptop.deviceId, carol.deviceId].sort());
    expect(answer.refused.sort()).toEqual([outsider.deviceId, packages[4]!.recipientDeviceId].sort());

    const forBob = await bobSocket.next('keys.package');
    expect(forBob.package).toMatchObject({
      recipientDeviceId: bob.deviceId,
      conversationId: room,
      epoch: 3,
      senderUserId: alice.userId,
      senderDeviceId: alice.deviceId,
      blob: packages[0]!.blob,
    });
    expect((await bobLaptopSocket.next('keys.package')).package.blob).toBe(packages[1]!.blob);
    expect((await carolSocket.next('keys.package')).package.blob).toBe(packages[2]!.blob);
    // Each device got exactly its own package; nothing went to the sender.
    await expectNoFrame(bobSocket, (f) => f.type === 'keys.package' && f.package.recipientDeviceId !== bob.deviceId, 200);
    expect(bobSocket.count('keys.package') + bobLaptopSocket.count('keys.package') + carolSocket.count('keys.package')).toBe(3);
    expect(aliceSocket.count('keys.package')).toBe(0);
    for (const s of [aliceSocket, bobSocket, bobLaptopSocket, carolSocket]) s.close();
  });

  it('lets a device fetch what it missed after reconnecting, its own devices only', async () => {
    const [alice, bob] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    const conv = await openDm(alice, bob);
    const [aliceSocket, bobSocket] = await connectAll(stack.url, alice, bob);
    const blobs = [blob(), blob(), blob()];
    expect(await distribute(aliceSocket, conv, [{ recipientDeviceId: bob.deviceId, blob: blobs[0]! }], 0)).toMatchObject({ refused: [] });
    const lastSeen = (await bobSocket.next('keys.package')).package.seq;
    expect(lastSeen).toBe(1);
    // Bob goes offline while two more epochs are distributed to him.
    bobSocket.close();
    await bobSocket.closed;
    for (const epoch of [1, 2]) {
      expect(await distribute(aliceSocket, conv, [{ recipientDeviceId: bob.deviceId, blob: blobs[epoch]! }], epoch)).toMatchObject({ refused: [] });
    }
    // Back online: nothing old is pushed again; he fetches after the last seq he saw.
    const again = await connectSocket(stack.url, bob);
    const missed = KeyPackagesResponse.parse((await fetchPackages(bob, bob.deviceId, lastSeen)).body);
    expect(missed.packages.map((p) => [p.seq, p.epoch, p.blob])).toEqual([
      [2, 1, blobs[1]],
      [3, 2, blobs[2]],
    ]);
    expect(missed.hasMore).toBe(false);
    expect(KeyPackagesResponse.parse((await fetchPackages(bob, bob.deviceId)).body).packages.map((p) => p.seq)).toEqual([1, 2, 3]);
    await expectNoFrame(again, (f) => f.type === 'keys.package', 200);
    again.close();

    // Someone else's device answers like an unknown one.
    expect((await fetchPackages(alice, bob.deviceId)).status).toBe(404);
    expect((await fetchPackages(alice, randomUUID())).status).toBe(404);
    expect((await fetchPackages(bob, 'not-a-uuid')).status).toBe(400);
    aliceSocket.close();
  });

  it('refuses packages for a removed member’s devices, and refuses a sender who is not a member', async () => {
    const [alice, bob, carol] = await Promise.all([newV1User(stack.url), newV1User(stack.url), newV1User(stack.url)]);
    const room = await createRoom(alice, [bob, carol]);
    const [aliceSocket, bobSocket] = await connectAll(stack.url, alice, bob);
    expect((await alice.http.request('DELETE', `/api/directory/rooms/${room}/members/${bob.userId}`)).status).toBe(204);
    await aliceSocket.next('conversation.membership', (f) => f.change === 'removed');

    const answer = await distribute(aliceSocket, room, [
      { recipientDeviceId: bob.deviceId, blob: blob() },
      { recipientDeviceId: carol.deviceId, blob: blob() },
    ], 1);
    expect(answer).toMatchObject({ type: 'keys.distributed', refused: [bob.deviceId], stored: [{ recipientDeviceId: carol.deviceId, seq: 1 }] });
    await expectNoFrame(bobSocket, (f) => f.type === 'keys.package', 300);
    expect(KeyPackagesResponse.parse((await fetchPackages(bob, bob.deviceId)).body).packages).toEqual([]);

    // Bob, no longer a member, cannot distribute keys in the room.
    const refused = await distribute(bobSocket, room, [{ recipientDeviceId: carol.deviceId, blob: blob() }]);
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });
    for (const s of [aliceSocket, bobSocket]) s.close();
  });

  it('caps blob size, package count and duplicates; an over-large frame closes the socket with 1009', async () => {
    const [alice, bob] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    const conv = await openDm(alice, bob);
    const socket = await connectSocket(stack.url, alice);
    const send = (packages: unknown[]) => {
      const id = randomUUID();
      socket.send({ type: 'keys.distribute', id, conversationId: conv, epoch: 0, packages });
      return socket.next('error', (f) => f.ref === id);
    };
    expect(await send([{ recipientDeviceId: bob.deviceId, blob: blob(MAX_KEY_PACKAGE_BLOB_BYTES + 1) }])).toMatchObject({ code: 'bad_request' });
    expect(await send([])).toMatchObject({ code: 'bad_request' });
    expect(await send([{ recipientDeviceId: bob.deviceId, blob: blob() }, { recipientDeviceId: bob.deviceId.toUpperCase(), blob: blob() }])).toMatchObject({ code: 'bad_request' });
    expect(await send(Array.from({ length: 501 }, () => ({ recipientDeviceId: randomUUID(), blob: 'AAAA' })))).toMatchObject({ code: 'bad_request' });
    // The largest blob is accepted.
    expect(await distribute(socket, conv, [{ recipientDeviceId: bob.deviceId, blob: blob(MAX_KEY_PACKAGE_BLOB_BYTES) }])).toMatchObject({ type: 'keys.distributed', refused: [] });
    // Past the 64 KiB frame cap: the frame never reaches a handler.
    socket.send({ type: 'keys.distribute', id: randomUUID(), conversationId: conv, epoch: 0, packages: Array.from({ length: 20 }, () => ({ recipientDeviceId: randomUUID(), blob: blob(MAX_KEY_PACKAGE_BLOB_BYTES) })) });
    expect((await socket.closed).code).toBe(WsCloseCode.tooBig);
  });
});

describe('key requests (full stack)', () => {
  it('reach only the requesting user’s other online devices', async () => {
    const [alice, bob] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    const aliceLaptop = await addDevice(alice);
    const aliceTablet = await addDevice(alice);
    const conv = await openDm(alice, bob);
    const [phone, laptop, tablet, bobSocket] = await connectAll(stack.url, alice, aliceLaptop, aliceTablet, bob);

    phone.send({ type: 'keys.request', id: randomUUID(), conversationIds: [conv] });
    const expected = { type: 'keys.requested', requesterDeviceId: alice.deviceId, conversationIds: [conv] };
    expect(await laptop.next('keys.requested')).toEqual(expected);
    expect(await tablet.next('keys.requested')).toEqual(expected);
    await expectNoFrame(phone, (f) => f.type === 'keys.requested', 300);
    expect(bobSocket.count('keys.requested')).toBe(0);

    // The laptop answers by distributing to the phone, which receives it live.
    const answer = await distribute(laptop, conv, [{ recipientDeviceId: alice.deviceId, blob: blob() }], 4);
    expect(answer).toMatchObject({ type: 'keys.distributed', refused: [] });
    expect((await phone.next('keys.package')).package).toMatchObject({ senderDeviceId: aliceLaptop.deviceId, epoch: 4, recipientDeviceId: alice.deviceId });
    for (const s of [phone, laptop, tablet, bobSocket]) s.close();
  });
});

describe('v1 envelopes (full stack)', () => {
  it('are stored and delivered unchanged, and their routing ids must match the frame', async () => {
    const [alice, bob] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    const conv = await openDm(alice, bob);
    const [aliceSocket, bobSocket] = await connectAll(stack.url, alice, bob);
    const id = uuidv7();
    const envelope = envelopeV1(alice.deviceId, { epoch: 2, chainIndex: 41, conversationId: conv, messageId: id });
    aliceSocket.send({ type: 'message.send', id, conversationId: conv, envelope });
    const ack = await aliceSocket.next('message.ack', (f) => f.id === id);
    expect((await bobSocket.next('message', (f) => f.message.id === id)).message.envelope).toEqual(envelope);
    const history = HistoryResponse.parse((await bob.http.request('GET', `/api/messages/${conv}`)).body);
    expect(history.messages.find((m) => m.seq === ack.seq)?.envelope).toEqual(envelope);

    const wrong = uuidv7();
    aliceSocket.send({ type: 'message.send', id: wrong, conversationId: conv, envelope: envelopeV1(alice.deviceId, { conversationId: randomUUID() }) });
    expect(await aliceSocket.next('error', (f) => f.ref === wrong)).toMatchObject({ code: 'bad_request' });
    for (const s of [aliceSocket, bobSocket]) s.close();
  });
});
