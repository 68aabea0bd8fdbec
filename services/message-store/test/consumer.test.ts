import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, createLogger, publishDurable, type Nats, type Service } from '@cipherlink/kit';
import { MessageSendCommand, MessageStoredEvent, streams, subjects, type StoredMessage } from '@cipherlink/proto';
import { createMessageStoreService, loadMessageStoreConfig } from '../src/index';
import { sendCommand } from './fixtures';

const logger = createLogger({ name: 'message-store-test', level: 'silent' });
/** Every line the service logs (debug and up), to check what it says and that it never logs ciphertext. */
const logLines: string[] = [];
const serviceLogger = createLogger({ name: 'message-store', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
const logged = () => logLines.map((l) => JSON.parse(l) as { msg: string; seq?: number });
let service: Service;
let nats: Nats;
let db: pg.Pool;

/** Collect MessageStoredEvents of one conversation from core NATS, as a gateway would receive them. */
function watchStored(conversationId: string) {
  const events: StoredMessage[] = [];
  const sub = nats.nc.subscribe(subjects.evt.messageStored(conversationId), {
    callback: (_err, msg) => {
      events.push(MessageStoredEvent.parse(msg.json()).message);
    },
  });
  return {
    events,
    async until(count: number, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return events;
    },
    stop: () => sub.unsubscribe(),
  };
}

const rowsOf = async (conversationId: string) =>
  (await db.query<{ id: string; seq: string }>('SELECT id, seq FROM message_store_messages WHERE conversation_id = $1 ORDER BY seq', [conversationId])).rows;

const send = (cmd: MessageSendCommand) => publishDurable(nats, subjects.cmd.messageSend(cmd.conversationId), MessageSendCommand, cmd, { msgId: cmd.id });

beforeAll(async () => {
  const config = loadMessageStoreConfig({ ...process.env, MESSAGE_CONSUMER_CONCURRENCY: '8' });
  service = createMessageStoreService(config, { logger: serviceLogger });
  await service.migrate!();
  await service.start();
  nats = await connectNats({ url: config.NATS_URL, name: 'message-store-test', logger });
  db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
});

afterAll(async () => {
  await service?.stop();
  await nats?.close();
  await db?.end();
});

describe('message-store command consumer', () => {
  it('stores a command and announces it with seq 1 on core NATS', async () => {
    const cmd = sendCommand();
    const watch = watchStored(cmd.conversationId);
    await send(cmd);
    const [event] = await watch.until(1);
    watch.stop();
    expect(event).toMatchObject({ id: cmd.id, conversationId: cmd.conversationId, seq: 1, senderUserId: cmd.senderUserId });
    expect(event!.envelope).toEqual(cmd.envelope);
    expect(await rowsOf(cmd.conversationId)).toEqual([{ id: cmd.id, seq: '1' }]);
  });

  it('keeps one row when the same id is published twice (and past the dedupe window, via a new msgId)', async () => {
    const cmd = sendCommand();
    const watch = watchStored(cmd.conversationId);
    await send(cmd);
    await send(cmd); // deduplicated by JetStream (same Nats-Msg-Id)
    // The same command with another msgId reaches the consumer: the idempotent append must still keep one row.
    await publishDurable(nats, subjects.cmd.messageSend(cmd.conversationId), MessageSendCommand, cmd, { msgId: `${cmd.id}-retry` });
    const second = sendCommand({ conversationId: cmd.conversationId });
    await send(second);
    const events = await watch.until(3);
    watch.stop();
    expect(await rowsOf(cmd.conversationId)).toEqual([
      { id: cmd.id, seq: '1' },
      { id: second.id, seq: '2' },
    ]);
    // The retry republishes the original (same seq) so a sender whose ack was lost still gets one.
    expect(events.filter((e) => e.id === cmd.id).map((e) => e.seq)).toEqual([1, 1]);
  });

  it('terminates an invalid payload and keeps consuming later valid commands', async () => {
    const conversationId = randomUUID();
    const watch = watchStored(conversationId);
    const bad = await nats.js.publish(subjects.cmd.messageSend(conversationId), 'not json at all');
    const alsoBad = await nats.js.publish(subjects.cmd.messageSend(conversationId), JSON.stringify({ v: 1, id: 'nope' }));
    const good = sendCommand({ conversationId });
    await send(good);
    const [event] = await watch.until(1);
    watch.stop();
    expect(event).toMatchObject({ id: good.id, seq: 1 });
    expect(await rowsOf(conversationId)).toEqual([{ id: good.id, seq: '1' }]);
    const terminated = logged().filter((l) => l.msg === 'terminating invalid message').map((l) => l.seq);
    expect(terminated.filter((seq) => seq === bad.seq || seq === alsoBad.seq).sort()).toEqual([bad.seq, alsoBad.seq].sort());
    // Terminated for good: gone from the work queue, so never redelivered and never holding an ack slot.
    const stillQueued = async () => {
      const found = await Promise.all([bad.seq, alsoBad.seq].map((seq) => nats.jsm.streams.getMessage(streams.messageCommands.name, { seq })));
      return found.filter((m) => m !== null).length;
    };
    const deadline = Date.now() + 3_000;
    while ((await stillQueued()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await stillQueued()).toBe(0);
  });

  it('gives 200 commands to one conversation the seqs 1..200 in publish order', async () => {
    const conversationId = randomUUID();
    const cmds = Array.from({ length: 200 }, () => sendCommand({ conversationId }));
    const watch = watchStored(conversationId);
    // Published one after another so the stream order is known: with 8 handlers running, one conversation must
    // still get its seqs in that order.
    for (const cmd of cmds) await send(cmd);
    const events = await watch.until(200, 25_000);
    watch.stop();
    const rows = await rowsOf(conversationId);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.seq)).size).toBe(200);
    expect(rows.map((r) => r.id)).toEqual(cmds.map((c) => c.id));
  });

  it('never logs ciphertext, only ids and sizes', async () => {
    const cmd = sendCommand();
    const watch = watchStored(cmd.conversationId);
    await send(cmd);
    await watch.until(1);
    watch.stop();
    const lines = logLines.join('\n');
    expect(lines).toContain(cmd.id);
    expect(lines).not.toContain(cmd.envelope.ct);
    expect(lines).not.toContain(cmd.envelope.iv);
  });

  it('reports ready with the store and NATS up', async () => {
    for (const check of service.readiness()) await expect(check.check()).resolves.toBeUndefined();
  });
});
