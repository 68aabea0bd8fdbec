import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, callRpc, connectNats, createPgPool, type Nats, type PgPool, type Service } from '@cipherlink/kit';
import { rpc, subjects } from '@cipherlink/proto';
import { createDirectoryService } from '../src';
import { createDirectoryStore, type DirectoryStore } from '../src/store/directory-store';
import { certifiedDevice, config, fakePublicKey, logger, p256Pair, uniqueUsername } from './support';

let service: Service;
let nats: Nats;
let pool: PgPool;
let store: DirectoryStore;

async function newUser() {
  const user = { id: randomUUID(), username: uniqueUsername() };
  await store.users.upsert(user);
  return user;
}

/** A raw request, bypassing callRpc's client-side validation, to see what the server answers. */
async function rawRequest(subject: string, body: string): Promise<unknown> {
  const msg = await nats.nc.request(subject, body, { timeout: 2_000 });
  return JSON.parse(new TextDecoder().decode(msg.data));
}

beforeAll(async () => {
  service = createDirectoryService(config, { logger });
  await service.migrate?.();
  await service.start();
  nats = await connectNats({ url: config.NATS_URL, name: 'directory-rpc-test', logger });
  pool = createPgPool(config.DATABASE_URL, { applicationName: 'directory-rpc-test' });
  store = createDirectoryStore(pool);
});
afterAll(async () => {
  await nats?.close();
  await pool?.end();
  await service?.stop();
});

describe('directory RPC endpoints', () => {
  it('conversations-of-user, membership and contacts reflect the DMs a user is in', async () => {
    const [me, peer, stranger] = [await newUser(), await newUser(), await newUser()];
    const { conversation } = await store.conversations.openDm(me.id, peer.id);

    await expect(callRpc(nats, rpc.directoryConversationsOfUser, { userId: me.id })).resolves.toEqual({ conversationIds: [conversation.id] });
    await expect(callRpc(nats, rpc.directoryConversationsOfUser, { userId: stranger.id })).resolves.toEqual({ conversationIds: [] });

    await expect(callRpc(nats, rpc.directoryMembership, { conversationId: conversation.id, userId: peer.id })).resolves.toEqual({ member: true });
    await expect(callRpc(nats, rpc.directoryMembership, { conversationId: conversation.id, userId: stranger.id })).resolves.toEqual({
      member: false,
    });
    await expect(callRpc(nats, rpc.directoryMembership, { conversationId: randomUUID(), userId: me.id })).resolves.toEqual({ member: false });

    await expect(callRpc(nats, rpc.directoryContacts, { userId: me.id })).resolves.toEqual({ userIds: [peer.id] });
    await expect(callRpc(nats, rpc.directoryContacts, { userId: stranger.id })).resolves.toEqual({ userIds: [] });
  });

  it('device-check accepts only a device of that user', async () => {
    const [owner, other] = [await newUser(), await newUser()];
    const { device } = await store.devices.register(owner.id, fakePublicKey());
    await expect(callRpc(nats, rpc.directoryDeviceCheck, { userId: owner.id, deviceId: device.id })).resolves.toEqual({ valid: true });
    await expect(callRpc(nats, rpc.directoryDeviceCheck, { userId: other.id, deviceId: device.id })).resolves.toEqual({ valid: false });
    await expect(callRpc(nats, rpc.directoryDeviceCheck, { userId: owner.id, deviceId: randomUUID() })).resolves.toEqual({ valid: false });
  });

  it('member-devices tells membership and which devices are certified devices of current members', async () => {
    const [me, peer, stranger] = [await newUser(), await newUser(), await newUser()];
    const certified = async (user: { id: string }) => {
      const identity = p256Pair();
      await store.identities.set(user.id, identity.publicKey);
      const body = certifiedDevice(user.id, identity);
      await store.devices.registerCertified(user.id, body, identity.publicKey);
      return body.deviceId;
    };
    const [mine, theirs, strangers] = [await certified(me), await certified(peer), await certified(stranger)];
    const v0 = (await store.devices.register(peer.id, fakePublicKey())).device.id;
    const { conversation } = await store.conversations.openDm(me.id, peer.id);
    const answer = await callRpc(nats, rpc.directoryMemberDevices, { conversationId: conversation.id, userId: me.id, deviceIds: [mine, theirs, strangers, v0, randomUUID()] });
    expect(answer.member).toBe(true);
    expect(answer.devices.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual(
      [
        { deviceId: mine, userId: me.id },
        { deviceId: theirs, userId: peer.id },
      ].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
    );
    await expect(callRpc(nats, rpc.directoryMemberDevices, { conversationId: conversation.id, userId: stranger.id, deviceIds: [] })).resolves.toEqual({
      member: false,
      devices: [],
    });
  });

  it('answers invalid requests with a bad_request error, not a crash', async () => {
    const bad = { ok: false, error: { code: 'bad_request' } };
    await expect(rawRequest(subjects.rpc.directoryMembership, JSON.stringify({ conversationId: 'x', userId: randomUUID() }))).resolves.toMatchObject(bad);
    await expect(rawRequest(subjects.rpc.directoryConversationsOfUser, '{oops')).resolves.toMatchObject(bad);
    await expect(rawRequest(subjects.rpc.directoryContacts, JSON.stringify({ userId: randomUUID(), extra: 1 }))).resolves.toMatchObject(bad);
    await expect(rawRequest(subjects.rpc.directoryDeviceCheck, JSON.stringify({ userId: randomUUID() }))).resolves.toMatchObject(bad);
    // Still serving afterwards.
    await expect(callRpc(nats, rpc.directoryContacts, { userId: randomUUID() })).resolves.toEqual({ userIds: [] });
  });

  it('callRpc surfaces the remote error as a coded AppError', async () => {
    // The client-side schema is swapped for one that lets anything through, so the server does the refusing.
    const lax = { ...rpc.directoryMembership, request: z.any() };
    const err = await callRpc(nats, lax, { conversationId: 'nope', userId: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad_request');
  });

  it('is ready when PostgreSQL and NATS answer', async () => {
    for (const check of service.readiness()) await expect(check.check()).resolves.toBeUndefined();
  });
});
