import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationMembersResponse, ConversationResponse, ConversationsResponse } from '@cipherlink/proto';
import { connectSocket, newUser, type TestUser } from './actors';
import { startTestStack } from './harness';
import { connectAll, createRoom, expectNoFrame, newV1User, sendV1 } from './v1-actors';
import type { Stack } from '../src/stack';

/** Group rooms through the whole stack: directory routes, membership events, gateway routing, history reads. */

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const members = (u: TestUser, conversationId: string) => u.http.request('GET', `/api/directory/conversations/${conversationId}/members`);
const add = (admin: TestUser, conversationId: string, user: TestUser | string) =>
  admin.http.request('POST', `/api/directory/rooms/${conversationId}/members`, { userId: typeof user === 'string' ? user : user.userId });
const remove = (actor: TestUser, conversationId: string, user: TestUser) => actor.http.request('DELETE', `/api/directory/rooms/${conversationId}/members/${user.userId}`);

describe('rooms (full stack)', () => {
  it('creates a room (trimmed name, creator admin, version 1) and lists it with name and roles', async () => {
    const owner = await newUser(stack.url);
    const created = await owner.http.request('POST', '/api/directory/rooms', { name: '  Launch crew  ' });
    expect(created.status).toBe(201);
    const { conversation } = ConversationResponse.parse(created.body);
    expect(conversation).toMatchObject({ kind: 'group', name: 'Launch crew', membershipVersion: 1, members: [{ id: owner.userId, role: 'admin' }] });
    const listed = ConversationsResponse.parse((await owner.http.request('GET', '/api/directory/conversations')).body);
    expect(listed.conversations.find((c) => c.id === conversation.id)).toEqual(conversation);

    for (const name of ['', '   ', 'x'.repeat(65), 'bad\nname']) {
      const res = await owner.http.request('POST', '/api/directory/rooms', { name });
      expect(res.status, JSON.stringify(name)).toBe(400);
    }
  });

  it('lets admins add members idempotently, bumping the version once; members may not add; unknown users are 404', async () => {
    const [owner, bob, carol] = await Promise.all([newUser(stack.url), newUser(stack.url), newUser(stack.url)]);
    const room = await createRoom(owner);
    const first = await add(owner, room, bob);
    expect(first.status).toBe(201);
    expect(first.body.conversation.membershipVersion).toBe(2);
    const again = await add(owner, room, bob);
    expect(again.status).toBe(200);
    expect(again.body.conversation.membershipVersion).toBe(2);
    const byMember = await add(bob, room, carol);
    expect(byMember.status).toBe(403);
    expect(byMember.body.error.code).toBe('forbidden');
    expect((await add(owner, room, randomUUID())).status).toBe(404);
    // A DM is not a room.
    const dm = await owner.http.request('POST', '/api/directory/dms', { peerUserId: bob.userId });
    expect((await add(owner, dm.body.conversation.id, carol)).status).toBe(404);
  });

  it('lists members with roles and keys to members only; outsiders get the 404 of an unknown id on members, history and post', async () => {
    const [owner, outsider] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    const bob = await newUser(stack.url);
    const room = await createRoom(owner, [bob]);
    const listing = ConversationMembersResponse.parse((await members(bob, room)).body);
    expect(listing).toMatchObject({ conversationId: room, kind: 'group', membershipVersion: 2 });
    const ownerEntry = listing.members.find((m) => m.userId === owner.userId)!;
    expect(ownerEntry).toMatchObject({ role: 'admin', identityKey: owner.identity.publicKey, identityKeyVersion: 1 });
    expect(ownerEntry.devices.map((d) => d.deviceId)).toEqual([owner.deviceId]);
    // Bob has only a v0 device: no identity key, no certified devices.
    expect(listing.members.find((m) => m.userId === bob.userId)).toMatchObject({ role: 'member', identityKey: null, identityKeyVersion: 0, devices: [] });

    const hidden = await members(outsider, room);
    const unknown = await members(outsider, randomUUID());
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await outsider.http.request('GET', `/api/directory/conversations/${room}`)).status).toBe(404);
    expect((await outsider.http.request('GET', `/api/messages/${room}`)).status).toBe(404);
    const socket = await connectSocket(stack.url, outsider);
    await expect(sendV1(socket, outsider, room)).rejects.toThrow('send refused: forbidden');
    socket.close();
  });

  it('enforces the last-admin rule; admins remove anyone else; anyone may leave; the last member leaving ends the room', async () => {
    const [owner, bob, carol] = await Promise.all([newUser(stack.url), newUser(stack.url), newUser(stack.url)]);
    const room = await createRoom(owner, [bob, carol]);
    const ownerLeaves = await remove(owner, room, owner);
    expect(ownerLeaves.status).toBe(409);
    expect(ownerLeaves.body.error.code).toBe('conflict');
    expect((await remove(bob, room, carol)).status).toBe(403);
    expect((await remove(bob, room, owner)).status).toBe(403);

    expect((await owner.http.request('POST', `/api/directory/rooms/${room}/admins`, { userId: bob.userId })).status).toBe(200);
    // Two admins: one may remove the other, and the first may now leave.
    expect((await remove(bob, room, carol)).status).toBe(204);
    expect((await remove(owner, room, owner)).status).toBe(204);
    const left = ConversationMembersResponse.parse((await members(bob, room)).body);
    expect(left.members.map((m) => [m.userId, m.role])).toEqual([[bob.userId, 'admin']]);
    expect(left.membershipVersion).toBe(5);
    expect((await remove(bob, room, carol)).status).toBe(404);

    // Bob is the last member and the last admin: leaving is allowed and the room is gone.
    expect((await remove(bob, room, bob)).status).toBe(204);
    expect((await members(bob, room)).status).toBe(404);
    expect((await members(owner, room)).status).toBe(404);
  });

  it("the removed member's sockets stop receiving at once and their posts are refused; everyone gets the membership frame", async () => {
    const [owner, bob, carol] = await Promise.all([newV1User(stack.url), newV1User(stack.url), newV1User(stack.url)]);
    const room = await createRoom(owner, [bob, carol]);
    const [ownerSocket, bobSocket, carolSocket] = await connectAll(stack.url, owner, bob, carol);

    // Everyone receives while Bob is a member.
    const before = await sendV1(ownerSocket, owner, room);
    await bobSocket.next('message', (f) => f.message.id === before.id);
    await sendV1(bobSocket, bob, room);

    expect((await remove(owner, room, bob)).status).toBe(204);
    const expected = { type: 'conversation.membership', conversationId: room, version: 4, change: 'removed', userId: bob.userId };
    expect(await carolSocket.next('conversation.membership', (f) => f.change === 'removed')).toEqual(expected);
    expect(await ownerSocket.next('conversation.membership', (f) => f.change === 'removed')).toEqual(expected);
    expect(await bobSocket.next('conversation.membership', (f) => f.change === 'removed')).toEqual(expected);

    // From now on nothing of the room reaches Bob, and what he posts is refused.
    const after = await sendV1(ownerSocket, owner, room);
    await carolSocket.next('message', (f) => f.message.id === after.id);
    await expectNoFrame(bobSocket, (f) => f.type === 'message' && f.message.id === after.id);
    await expect(sendV1(bobSocket, bob, room)).rejects.toThrow('send refused: forbidden');
    expect((await bob.http.request('GET', `/api/messages/${room}`)).status).toBe(404);
    expect((await members(bob, room)).status).toBe(404);

    // Adding him back: his open socket gets the room again, with the next version.
    expect((await add(owner, room, bob)).status).toBe(201);
    expect(await bobSocket.next('conversation.added', (f) => f.conversationId === room)).toBeDefined();
    expect(await carolSocket.next('conversation.membership', (f) => f.change === 'added' && f.userId === bob.userId)).toMatchObject({ version: 5 });
    const again = await sendV1(ownerSocket, owner, room);
    await bobSocket.next('message', (f) => f.message.id === again.id);
    for (const s of [ownerSocket, bobSocket, carolSocket]) s.close();
  });

  it('tells remaining members when someone leaves, and the leaver stops receiving', async () => {
    const [owner, bob] = await Promise.all([newV1User(stack.url), newV1User(stack.url)]);
    const room = await createRoom(owner, [bob]);
    const [ownerSocket, bobSocket] = await connectAll(stack.url, owner, bob);
    expect((await remove(bob, room, bob)).status).toBe(204);
    expect(await ownerSocket.next('conversation.membership', (f) => f.change === 'removed')).toMatchObject({ userId: bob.userId, version: 3 });
    await bobSocket.next('conversation.membership', (f) => f.change === 'removed');
    const after = await sendV1(ownerSocket, owner, room);
    await expectNoFrame(bobSocket, (f) => f.type === 'message' && f.message.id === after.id);
    for (const s of [ownerSocket, bobSocket]) s.close();
  });
});
