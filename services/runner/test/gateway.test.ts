import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WS_FRAME_BYTES, WS_PATH, WsCloseCode } from '@cipherlink/proto';
import { uuidv7 } from '@cipherlink/client';
import { newUser, openDm, TestSocket, type TestUser } from './actors';
import { startTestStack } from './harness';
import type { Stack } from '../src/stack';

const ALLOWED_ORIGIN = 'http://allowed.example';


/** A syntactically valid v0 envelope with random bytes (the server never decrypts). */
const envelope = (senderDeviceId: string, recipientDeviceId: string) => ({
  v: 0 as const,
  senderDeviceId,
  recipientDeviceId,
  iv: randomBytes(12).toString('base64url'),
  ct: randomBytes(48).toString('base64url'),
});

describe('gateway (full stack)', () => {
  let stack: Stack;
  let wsUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({ ALLOWED_ORIGINS: ALLOWED_ORIGIN, PRESENCE_HEARTBEAT_MS: '1000' });
    wsUrl = stack.url.replace(/^http/, 'ws') + WS_PATH;
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Open a socket and authenticate it; resolves once `ready` arrives. */
  async function connect(user: TestUser, headers: Record<string, string> = {}): Promise<TestSocket> {
    const socket = await TestSocket.open(wsUrl, headers);
    socket.send({ type: 'auth', token: user.http.accessToken, deviceId: user.deviceId });
    const ready = await socket.next('ready');
    expect(ready).toMatchObject({ userId: user.userId, deviceId: user.deviceId });
    return socket;
  }

  it('refuses a browser Origin that is not allowed with 403 and accepts an allowed one', async () => {
    await expect(TestSocket.open(wsUrl, { origin: 'https://evil.example' })).rejects.toThrow('upgrade refused: 403');
    const ok = await TestSocket.open(wsUrl, { origin: ALLOWED_ORIGIN });
    ok.send({ type: 'ping' });
    await ok.next('error', (f) => f.code === 'unauthorized');
    expect((await ok.closed).code).toBe(WsCloseCode.unauthorized);
  });

  it('answers other upgrade paths with 404', async () => {
    await expect(TestSocket.open(stack.url.replace(/^http/, 'ws') + '/not-ws')).rejects.toThrow('upgrade refused: 404');
  });

  it('closes a socket that never authenticates with 4002', async () => {
    const socket = await TestSocket.open(wsUrl);
    const started = Date.now();
    expect((await socket.closed).code).toBe(WsCloseCode.authTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
  }, 15_000);

  it('rejects a bad token with an error frame and 4001', async () => {
    const socket = await TestSocket.open(wsUrl);
    socket.send({ type: 'auth', token: 'not.a.jwt', deviceId: '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e10' });
    expect(await socket.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await socket.closed).code).toBe(WsCloseCode.unauthorized);
  });

  it("rejects a valid token with another user's device with 4001", async () => {
    const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
    const socket = await TestSocket.open(wsUrl);
    socket.send({ type: 'auth', token: alice.http.accessToken, deviceId: bob.deviceId });
    expect(await socket.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await socket.closed).code).toBe(WsCloseCode.unauthorized);
  });

  it('answers invalid frames with bad_request and keeps serving; an oversized frame closes only that socket with 1009', async () => {
    const alice = await newUser(stack.url);
    const socket = await connect(alice);
    socket.send('{not json');
    expect(await socket.next('error', (f) => f.message.includes('JSON'))).toMatchObject({ code: 'bad_request' });
    socket.send({ type: 'teleport', id: 'frame-7' });
    expect(await socket.next('error', (f) => f.ref === 'frame-7')).toMatchObject({ code: 'bad_request' });
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await socket.next('error', (f) => f.message.includes('binary'));
    socket.send({ type: 'ping' });
    await socket.next('pong');

    socket.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_WS_FRAME_BYTES + 1) }));
    expect((await socket.closed).code).toBe(WsCloseCode.tooBig);

    const again = await connect(alice);
    again.send({ type: 'ping' });
    await again.next('pong');
    again.close();
  });

  it('delivers a message to the peer, acks the sender with seq 1, stores a repeated id once and forbids non-members', async () => {
    const [alice, bob, eve] = await Promise.all([newUser(stack.url), newUser(stack.url), newUser(stack.url)]);
    const conversationId = await openDm(alice, bob);
    const [aliceWs, bobWs, eveWs] = await Promise.all([connect(alice), connect(bob), connect(eve)]);

    const id = uuidv7();
    const send = { type: 'message.send', id, conversationId, envelope: envelope(alice.deviceId, bob.deviceId) };
    aliceWs.send(send);
    expect(await aliceWs.next('message.ack', (f) => f.id === id)).toEqual({ type: 'message.ack', id, conversationId, seq: 1 });
    const delivered = await bobWs.next('message', (f) => f.message.id === id);
    expect(delivered.message).toMatchObject({ conversationId, seq: 1, senderUserId: alice.userId, senderDeviceId: alice.deviceId });
    expect(delivered.message.envelope).toEqual(send.envelope);

    // The same id again (a client retry): JetStream dedupes it, so history holds it once.
    aliceWs.send(send);
    const second = uuidv7();
    aliceWs.send({ ...send, id: second, envelope: envelope(alice.deviceId, bob.deviceId) });
    expect(await aliceWs.next('message.ack', (f) => f.id === second)).toMatchObject({ seq: 2 });
    const history = await bob.http.request('GET', `/api/messages/${conversationId}`);
    expect(history.status).toBe(200);
    expect((history.body.messages as { id: string }[]).map((m) => m.id)).toEqual([id, second]);

    // Eve is not in the DM: forbidden, and nothing reaches Bob.
    const evil = uuidv7();
    eveWs.send({ type: 'message.send', id: evil, conversationId, envelope: envelope(eve.deviceId, bob.deviceId) });
    expect(await eveWs.next('error', (f) => f.ref === evil)).toMatchObject({ code: 'forbidden' });
    // An envelope naming another sender device is refused even for a member.
    const spoof = uuidv7();
    aliceWs.send({ type: 'message.send', id: spoof, conversationId, envelope: envelope(bob.deviceId, bob.deviceId) });
    expect(await aliceWs.next('error', (f) => f.ref === spoof)).toMatchObject({ code: 'bad_request' });
    await new Promise((r) => setTimeout(r, 300));
    expect(bobWs.frames.some((f) => f.type === 'message' && (f.message.id === evil || f.message.id === spoof))).toBe(false);
    expect(eveWs.frames.some((f) => f.type === 'message')).toBe(false);

    for (const s of [aliceWs, bobWs, eveWs]) s.close();
  });

  it('routes a DM opened after both connected (conversation.added) and delivers on it', async () => {
    const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
    const [aliceWs, bobWs] = await Promise.all([connect(alice), connect(bob)]);
    const conversationId = await openDm(alice, bob);
    await bobWs.next('conversation.added', (f) => f.conversationId === conversationId);
    await aliceWs.next('conversation.added', (f) => f.conversationId === conversationId);
    const id = uuidv7();
    aliceWs.send({ type: 'message.send', id, conversationId, envelope: envelope(alice.deviceId, bob.deviceId) });
    await bobWs.next('message', (f) => f.message.id === id);
    expect(await aliceWs.next('message.ack', (f) => f.id === id)).toMatchObject({ seq: 1 });
    aliceWs.close();
    bobWs.close();
  });

  it('delivers between sockets held by two gateway instances (horizontal scale-out)', async () => {
    const second = await startTestStack({ CL_SERVICES: 'gateway', GATEWAY_ID: 'gw-second' });
    try {
      const [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
      const conversationId = await openDm(alice, bob);
      const aliceWs = await connect(alice);
      const bobSocket = await TestSocket.open(second.url.replace(/^http/, 'ws') + WS_PATH);
      bobSocket.send({ type: 'auth', token: bob.http.accessToken, deviceId: bob.deviceId });
      expect((await bobSocket.next('ready')).connectionId).toMatch(/^gw-second\./);
      const id = uuidv7();
      aliceWs.send({ type: 'message.send', id, conversationId, envelope: envelope(alice.deviceId, bob.deviceId) });
      expect(await aliceWs.next('message.ack', (f) => f.id === id)).toMatchObject({ seq: 1 });
      await bobSocket.next('message', (f) => f.message.id === id);
      const reply = uuidv7();
      bobSocket.send({ type: 'message.send', id: reply, conversationId, envelope: envelope(bob.deviceId, alice.deviceId) });
      await aliceWs.next('message', (f) => f.message.id === reply && f.message.seq === 2);
      aliceWs.close();
      bobSocket.close();
    } finally {
      await second.close();
    }
  });

  it('shows a contact online, then offline when their socket closes; strangers stay hidden', async () => {
    const [alice, bob, stranger] = await Promise.all([newUser(stack.url), newUser(stack.url), newUser(stack.url)]);
    await openDm(alice, bob);
    const bobWs = await connect(bob);
    const aliceWs = await connect(alice);
    const strangerWs = await connect(stranger);
    bobWs.send({ type: 'presence.watch', userIds: [alice.userId, stranger.userId] });
    await bobWs.next('presence', (f) => f.presence.userId === alice.userId && f.presence.online);

    aliceWs.close();
    await bobWs.next('presence', (f) => f.presence.userId === alice.userId && !f.presence.online, 10_000);
    expect(bobWs.frames.some((f) => f.type === 'presence' && f.presence.userId === stranger.userId)).toBe(false);
    bobWs.close();
    strangerWs.close();
  });
});
