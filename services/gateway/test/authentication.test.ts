import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { rpc, rpcResult, subjects, type MemberAddedEvent } from '@cipherlink/proto';
import { connectNats, createLogger, type Nats } from '@cipherlink/kit';
import { envelopeV0, newUser, openDm, uuidv7 } from './accounts';
import { DirectoryHold, untilQueryDone } from './directory-hold';
import { readySocket, sleep, startGateway, TestSocket, type GatewayUnderTest } from './gateway-under-test';
import { gatewayTestDatabaseUrl, startBackend, type Backend, type ServiceProcess } from './service-processes';

/**
 * Socket authentication against the real auth, directory and message-store services. PostgreSQL holds the
 * directory's answer to the socket's conversation list (a lock on `directory_members`) so the test decides what
 * happens meanwhile: a DM opened, the socket closed. Two directory instances, so one can open the DM while the
 * other one's answer is held.
 */
const logger = createLogger({ name: 'gateway-auth-test', level: 'silent' });

let backend: Backend;
let db: pg.Pool;
let nats: Nats;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  backend = await startBackend({ directories: 2, messageStore: true });
  db = new pg.Pool({ connectionString: gatewayTestDatabaseUrl('gateway-test-control'), max: 4 });
  nats = await connectNats({ url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'gateway-auth-test', logger });
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.running.close();
  await nats?.close();
  await db?.end();
  await backend?.close();
});

async function until(what: string, pred: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function metric(line: RegExp): Promise<string | undefined> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return text.split('\n').find((l) => line.test(l));
}

/** Watch NATS (a plain subscriber answers nothing): the next `conversations-of-user` request for `userId`. */
function conversationListRequestOf(userId: string): Promise<{ reply: string }> {
  return new Promise((resolve) => {
    const sub = nats.nc.subscribe(rpc.directoryConversationsOfUser.subject, {
      callback: (err, msg) => {
        if (err || !msg.reply || (msg.json() as { userId?: string }).userId?.toLowerCase() !== userId.toLowerCase()) return;
        sub.unsubscribe();
        resolve({ reply: msg.reply });
      },
    });
  });
}

/** Watch the directory's answer to that request on its way to the gateway; resolves with the conversation ids. */
async function answerTo(reply: string): Promise<() => Promise<string[]>> {
  const answers: unknown[] = [];
  const sub = nats.nc.subscribe(reply, { max: 1, callback: (_, msg) => void answers.push(msg.json()) });
  await nats.nc.flush();
  return async () => {
    await until('the directory answer', () => answers.length > 0);
    sub.unsubscribe();
    const answer = rpcResult(rpc.directoryConversationsOfUser.response).parse(answers[0]);
    if (!answer.ok) throw new Error(`directory answered ${answer.error.code}`);
    return answer.data.conversationIds;
  };
}

describe('socket authentication', () => {
  it('routes a DM opened while the socket was loading its conversations (member-added during auth)', async () => {
    const [alice, bob] = await Promise.all([newUser(backend), newUser(backend)]);
    const hold = await DirectoryHold.start(db);
    let paused: ServiceProcess | undefined;
    let bobGateway: GatewayUnderTest | undefined;
    const socket = await TestSocket.open(gateway.wsUrl);
    try {
      const asked = conversationListRequestOf(alice.userId);
      await nats.nc.flush();
      socket.authenticate(alice.session.accessToken, alice.deviceId);
      const { reply } = await asked;
      // The directory instance that got the request reads alice's conversations now, just before the DM commits,
      // and its answer reaches the gateway only after the DM's member-added events: the instance is paused while
      // its query runs, and the other instance opens the DM.
      const waiting = await hold.waitingListQuery(backend.directories.map((d) => d.applicationName));
      paused = backend.directories.find((d) => d.applicationName === waiting.applicationName)!;
      const other = backend.directories.find((d) => d !== paused)!;
      paused.pause();
      await hold.release();
      await untilQueryDone(db, waiting.pid);

      const added: MemberAddedEvent[] = [];
      const addedSub = nats.nc.subscribe(subjects.evt.memberAddedAll, { callback: (_, msg) => void added.push(msg.json<MemberAddedEvent>()) });
      const listed = await answerTo(reply);
      const conversationId = await openDm(alice, bob, other.url);
      await until('member-added', () => added.some((e) => e.conversationId === conversationId && e.userId === alice.userId));
      addedSub.unsubscribe();
      paused.resume();
      paused = undefined;

      await until('ready', () => socket.frames.some((f) => f.type === 'ready'));
      await until('conversation.added', () => socket.frames.some((f) => f.type === 'conversation.added'));
      expect(socket.frames[0]?.type).toBe('ready');
      expect(socket.frames.find((f) => f.type === 'conversation.added')).toEqual({ type: 'conversation.added', conversationId });
      // The list the gateway got was read before the DM existed: the routing came from the event.
      expect(await listed()).toEqual([]);

      // And the peer's messages in it are delivered to this socket (bob on another gateway: only alice's routing
      // makes this gateway listen to the DM).
      bobGateway = await startGateway();
      const bobSocket = await readySocket(bobGateway.wsUrl, bob.session.accessToken, bob.deviceId);
      const id = uuidv7();
      bobSocket.send({ type: 'message.send', id, conversationId, envelope: envelopeV0(bob.deviceId, alice.deviceId) });
      await until('message', () => socket.frames.some((f) => f.type === 'message' && f.message.id === id));
      bobSocket.close();
    } finally {
      paused?.resume();
      await hold.release();
      socket.close();
      await socket.closed;
      await bobGateway?.running.close();
      await sleep(50);
    }
  });

  it('leaves no routing state behind when the socket closes while its conversations are loading', async () => {
    const [alice, bob, carol] = await Promise.all([newUser(backend), newUser(backend), newUser(backend)]);
    await openDm(alice, bob);
    await openDm(alice, carol);
    const hold = await DirectoryHold.start(db);
    try {
      const socket = await TestSocket.open(gateway.wsUrl);
      const asked = conversationListRequestOf(alice.userId);
      await nats.nc.flush();
      socket.authenticate(alice.session.accessToken, alice.deviceId);
      const listed = await answerTo((await asked).reply);
      await hold.waitingListQuery(backend.directories.map((d) => d.applicationName));
      socket.close();
      await socket.closed;
      await sleep(50);
      // The directory answers now, with alice's two conversations.
      await hold.release();
      expect(await listed()).toHaveLength(2);
      await sleep(200);
      expect(socket.frames.filter((f) => f.type === 'ready')).toEqual([]);
    } finally {
      await hold.release();
    }
    expect(await metric(/^gateway_ws_open_sockets /)).toBe('gateway_ws_open_sockets 0');
    expect(await metric(/^gateway_routing_subscriptions\{kind="conversation"\}/)).toBe('gateway_routing_subscriptions{kind="conversation"} 0');
  });
});
