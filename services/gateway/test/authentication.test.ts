import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  MemberAddedEvent,
  MessageStoredEvent,
  rpc,
  ServerFrame,
  subjects,
  WS_PATH,
} from '@cipherlink/proto';
import { connectNats, createLogger, publishEphemeral, runServices, serveRpc, type Nats, type RunningServices } from '@cipherlink/kit';
import { createGatewayService, loadGatewayConfig } from '../src';
import { createTestTokens } from './test-tokens';

/**
 * Socket authentication against stand-ins for auth and directory on real NATS, so the test decides exactly when
 * the directory answers and what happens meanwhile (a DM opened, the socket closed).
 */
const logger = createLogger({ name: 'gateway-auth-test', level: 'silent' });
const { jwks, tokenFor } = createTestTokens('gateway-test-key');

/** What the stand-in directory does when the gateway asks for a user's conversations. */
let conversationsOf: (userId: string) => Promise<string[]> = async () => [];

let nats: Nats;
let running: RunningServices;
let wsUrl: string;
const subs: { unsubscribe(): void }[] = [];

beforeAll(async () => {
  nats = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'gateway-auth-test', logger });
  const opts = { queue: 'gateway-auth-test', logger };
  subs.push(
    serveRpc(nats, rpc.authJwks, async () => jwks, opts),
    serveRpc(nats, rpc.directoryDeviceCheck, async () => ({ valid: true }), opts),
    serveRpc(nats, rpc.directoryConversationsOfUser, async ({ userId }) => ({ conversationIds: await conversationsOf(userId) }), opts),
  );
  await nats.nc.flush();
  const config = loadGatewayConfig({ NATS_URL: process.env.NATS_URL });
  running = await runServices({ services: [createGatewayService(config, { logger })], logger, host: '127.0.0.1', port: 0, migrate: false });
  wsUrl = running.url.replace(/^http/, 'ws') + WS_PATH;
});
afterAll(async () => {
  await running?.close();
  for (const s of subs) s.unsubscribe();
  await nats?.close();
});
afterEach(() => {
  conversationsOf = async () => [];
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openSocket(): Promise<{ ws: WebSocket; frames: ServerFrame[]; closed: Promise<number> }> {
  const ws = new WebSocket(wsUrl);
  const frames: ServerFrame[] = [];
  ws.on('message', (data) => frames.push(ServerFrame.parse(JSON.parse(data.toString()))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

async function until(what: string, pred: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function metric(line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${running.url}/metrics`)).text();
  return text.split('\n').find((l) => line.test(l));
}

const storedEvent = (conversationId: string, senderUserId: string) =>
  MessageStoredEvent.parse({
    v: 1,
    message: {
      id: '01890a5d-ac96-774b-bcce-b302099a8057',
      conversationId,
      seq: 1,
      senderUserId,
      senderDeviceId: randomUUID(),
      envelope: { v: 0, senderDeviceId: randomUUID(), recipientDeviceId: randomUUID(), iv: randomBytes(12).toString('base64url'), ct: randomBytes(32).toString('base64url') },
      createdAt: new Date().toISOString(),
    },
  });

describe('socket authentication', () => {
  it('routes a DM opened while the socket was loading its conversations (member-added during auth)', async () => {
    const userId = randomUUID();
    const peerId = randomUUID();
    const conversationId = randomUUID();
    // The directory read the user's conversations just before the DM committed; its member-added event (published
    // after the commit) reaches the gateway before this answer does.
    conversationsOf = async (uid) => {
      const event = { v: 1 as const, conversationId, conversationKind: 'dm' as const, occurredAt: new Date().toISOString() };
      publishEphemeral(nats, subjects.evt.memberAdded(conversationId), MemberAddedEvent, { ...event, userId: uid });
      publishEphemeral(nats, subjects.evt.memberAdded(conversationId), MemberAddedEvent, { ...event, userId: peerId });
      await nats.nc.flush();
      await sleep(100);
      return [];
    };
    const socket = await openSocket();
    try {
      socket.ws.send(JSON.stringify({ type: 'auth', token: tokenFor(userId), deviceId: randomUUID() }));
      await until('ready', () => socket.frames.some((f) => f.type === 'ready'));
      await until('conversation.added', () => socket.frames.some((f) => f.type === 'conversation.added'));
      expect(socket.frames[0]?.type).toBe('ready');
      expect(socket.frames.find((f) => f.type === 'conversation.added')).toEqual({ type: 'conversation.added', conversationId });

      // And the peer's messages in it are delivered to this socket.
      publishEphemeral(nats, subjects.evt.messageStored(conversationId), MessageStoredEvent, storedEvent(conversationId, peerId));
      await until('message', () => socket.frames.some((f) => f.type === 'message'));
    } finally {
      socket.ws.close();
      await socket.closed;
      await sleep(50);
    }
  });

  it('leaves no routing state behind when the socket closes while its conversations are loading', async () => {
    let asked!: () => void;
    const askedP = new Promise<void>((resolve) => (asked = resolve));
    let answer!: () => void;
    const answerP = new Promise<void>((resolve) => (answer = resolve));
    conversationsOf = async () => {
      asked();
      await answerP;
      return [randomUUID(), randomUUID()];
    };
    const socket = await openSocket();
    socket.ws.send(JSON.stringify({ type: 'auth', token: tokenFor(randomUUID()), deviceId: randomUUID() }));
    await askedP;
    socket.ws.close();
    await socket.closed;
    await sleep(50);
    answer();
    await sleep(200);
    expect(socket.frames.filter((f) => f.type === 'ready')).toEqual([]);
    expect(await metric(/^gateway_ws_open_sockets /)).toBe('gateway_ws_open_sockets 0');
    expect(await metric(/^gateway_routing_subscriptions\{kind="conversation"\}/)).toBe('gateway_routing_subscriptions{kind="conversation"} 0');
  });
});
