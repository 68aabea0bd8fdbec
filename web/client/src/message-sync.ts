import type { ClientFrame, StoredMessage } from '@cipherlink/proto';
import { encodePayload, MAX_PAYLOAD_BYTES, type MessagePayload } from './crypto/v1';
import { ConversationLog, type ItemContent, type LogChange, type LogItem, type MessageMeta } from './conversation-log';
import { KEYS_UNAVAILABLE, type DecryptOutcome, type MessageCrypto } from './e2ee/message-crypto';
import { AckTimeoutError, EditNotAllowedError, MessageNotFoundError, MessageTooLongError, SendRejectedError } from './errors';
import { KeyedSerial } from './keyed-serial';
import { MessageSearch } from './message-search';
import type { CipherLinkApi } from './transport/cipherlink-api';
import type { DecryptedMessage, Session } from './types';
import { uuidv7 } from './uuidv7';

export interface MessageSyncDeps {
  session: Pick<Session, 'user' | 'deviceId'>;
  api: CipherLinkApi;
  crypto: MessageCrypto;
  /** Send one frame on the socket (waits for open, rejects when it cannot). */
  sendFrame: (frame: ClientFrame) => Promise<void>;
  emit: (message: DecryptedMessage) => void;
  emitRemoved: (removed: { conversationId: string; id: string }) => void;
  historyPageSize?: number;
  ackTimeoutMs?: number;
}

interface PendingSend {
  resolve: () => void;
  reject: (err: Error) => void;
  /** Start the ack timeout again (the frame was sent again). */
  restartTimer: () => void;
  /** Hold the ack timeout (the frame waits to be sent again). */
  stopTimer: () => void;
  /** The frame, once it left on a socket, and when (`Date.now()`); resent after a reconnect until acked. */
  frame?: ClientFrame;
  sentAt?: number;
  /** How often the server answered `rate_limited` so far, and the timer of the resend it asked us to wait for. */
  rateLimited: number;
  resendTimer?: ReturnType<typeof setTimeout>;
}

/** A send refused as `rate_limited` this many times in a row is given up (shown as failed). */
const MAX_RATE_LIMITED_RESENDS = 5;
/** Wait this long before a resend when a `rate_limited` frame does not say how long. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;
/** A reply quotes at most this many code points of the answered text (a preview; the payload allows 4096 units). */
const REPLY_QUOTE_CHARS = 200;

/**
 * Keeps every conversation's messages in order and without duplicates: realtime frames, acks and history pages
 * go through one queue per conversation; a sequence gap triggers a history fetch; messages that cannot be decrypted
 * become 'undecryptable' items instead of errors, and those waiting for a sender key are decrypted again when it
 * arrives (`keyArrived`). Texts, reactions, edits and deletes are all encrypted payloads; the conversation log
 * applies the actions to their targets. History pages and retries are decrypted a batch at a time
 * (`MessageCrypto.decryptMany`), then merged in seq order. Everything shown is also fed to `search`.
 */
export class MessageSync {
  /** Full-text search over what this sync shows (in memory; see message-search.ts). */
  readonly search = new MessageSearch();
  private readonly logs = new Map<string, ConversationLog>();
  private readonly serial = new KeyedSerial();
  private readonly pending = new Map<string, PendingSend>();
  /** Messages to decrypt again, by id: `key` ones when a key of their conversation arrives, all at the next sync. */
  private readonly retryDecrypt = new Map<string, { stored: StoredMessage; when: 'key' | 'sync' }>();

  constructor(private readonly deps: MessageSyncDeps) {}

  /** Conversations this client holds messages of. */
  knownConversations(): string[] {
    return [...this.logs.keys()];
  }

  /** Fetch everything after the last contiguous seq, then return the whole local copy in order. */
  async history(conversationId: string): Promise<DecryptedMessage[]> {
    const conv = conversationId.toLowerCase();
    await this.serial.run(conv, async () => {
      await this.fetchAfter(conv);
      await this.retry(conv, 'any');
    });
    return this.logOf(conv).list();
  }

  /** A sender key of this conversation arrived: decrypt again what was waiting for one. */
  keyArrived(conversationId: string): Promise<void> {
    const conv = conversationId.toLowerCase();
    return this.serial.run(conv, () => this.retry(conv, 'key'));
  }

  /** Forget a conversation (the user left it). */
  forget(conversationId: string): void {
    const conv = conversationId.toLowerCase();
    this.logs.delete(conv);
    for (const [id, r] of [...this.retryDecrypt]) if (r.stored.conversationId.toLowerCase() === conv) this.retryDecrypt.delete(id);
    this.search.removeConversation(conv);
  }

  /** The message with this id, as shown (undefined for unknown ids and for reactions, edits and deletes). */
  find(messageId: string): DecryptedMessage | undefined {
    const id = messageId.toLowerCase();
    for (const log of this.logs.values()) {
      const m = log.view(id);
      if (m) return m;
    }
    return undefined;
  }

  /** A `message` frame: merge (own echo), fill a gap through history, or append. */
  onMessage(stored: StoredMessage): Promise<void> {
    const conv = stored.conversationId.toLowerCase();
    return this.serial.run(conv, async () => {
      const log = this.logOf(conv);
      if (stored.seq > log.lastSeq + 1) {
        try {
          await this.fetchAfter(conv);
        } catch {
          // History unavailable: still show this message; lastSeq stays put so the next sync fills the gap.
        }
        if (log.get(stored.id.toLowerCase())?.meta.seq) return;
      }
      await this.ingest(stored, log);
      if (stored.seq === log.lastSeq + 1) log.lastSeq = stored.seq;
    });
  }

  /** A `message.ack` for one of our sends. */
  onAck(ack: { id: string; conversationId: string; seq: number }): Promise<void> {
    const conv = ack.conversationId.toLowerCase();
    return this.serial.run(conv, async () => {
      const log = this.logOf(conv);
      if (ack.seq > log.lastSeq + 1) {
        // Our message got a seq past the end of what we hold: messages before it were not delivered to us.
        try {
          await this.fetchAfter(conv);
        } catch {
          // History unavailable: the next sync (reconnect, next gap) fills it.
        }
      }
      const id = ack.id.toLowerCase();
      const mine = log.get(id);
      if (!mine) return;
      if (mine.meta.seq !== ack.seq || mine.meta.status !== 'sent') this.apply(log.put({ ...mine, meta: { ...mine.meta, seq: ack.seq, status: 'sent' } }), conv);
      if (ack.seq === log.lastSeq + 1) log.lastSeq = ack.seq;
      this.settle(id);
    });
  }

  /**
   * An `error` frame answering one of our sends. `rate_limited` is not a failure yet: the message stays pending
   * and goes out again (same id) after the delay the server asked for, a few times at most.
   */
  onSendError(ref: string, code: SendRejectedError['code'], message: string, retryAfterSeconds?: number): boolean {
    const p = this.pending.get(ref.toLowerCase());
    if (!p) return false;
    const frame = p.frame;
    if (code !== 'rate_limited' || !frame || p.rateLimited >= MAX_RATE_LIMITED_RESENDS) {
      p.reject(new SendRejectedError(code, message));
      return true;
    }
    p.rateLimited++;
    p.stopTimer();
    clearTimeout(p.resendTimer);
    // A little jitter so a burst of refused messages does not come back as one burst.
    const delayMs = (retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) * 1000 + Math.floor(Math.random() * 250);
    p.resendTimer = setTimeout(() => {
      p.resendTimer = undefined;
      if (this.pending.get(ref.toLowerCase()) !== p) return;
      p.sentAt = Date.now();
      p.restartTimer();
      this.deps.sendFrame(frame).catch((err: unknown) => p.reject(err as Error));
    }, delayMs);
    return true;
  }

  /** Encrypt and send a text, optionally answering another message (its start is quoted). */
  async sendText(conversationId: string, text: string, opts: { replyTo?: string } = {}): Promise<DecryptedMessage> {
    const payload: MessagePayload = { type: 'text', text };
    if (opts.replyTo) {
      const target = this.find(opts.replyTo);
      if (!target || target.conversationId.toLowerCase() !== conversationId.toLowerCase()) throw new MessageNotFoundError('the message to reply to is not in this conversation');
      payload.reply = { messageId: target.id.toLowerCase() };
      if (target.body.kind === 'text') payload.reply.quote = quoteOf(target.body.text);
    }
    const item = await this.sendPayload(conversationId, payload);
    return this.logOf(conversationId.toLowerCase()).view(item.meta.id)!;
  }

  /** Add (or, with `remove`, take back) the user's reaction to a message; resolves with the message as shown. */
  async react(messageId: string, emoji: string, remove: boolean): Promise<DecryptedMessage> {
    const target = this.requireTarget(messageId);
    await this.sendPayload(target.conversationId, { type: 'reaction', messageId: target.id.toLowerCase(), emoji, remove });
    return this.find(target.id) ?? target;
  }

  /** Replace the text of one of the user's own messages. */
  async edit(messageId: string, text: string): Promise<DecryptedMessage> {
    const target = this.requireOwn(messageId);
    if (target.body.kind !== 'text') throw new EditNotAllowedError('only a text can be edited');
    await this.sendPayload(target.conversationId, { type: 'edit', messageId: target.id.toLowerCase(), text });
    return this.find(target.id) ?? target;
  }

  /** Delete one of the user's own messages for everyone (a tombstone). */
  async deleteMessage(messageId: string): Promise<DecryptedMessage> {
    const target = this.requireOwn(messageId);
    await this.sendPayload(target.conversationId, { type: 'delete', messageId: target.id.toLowerCase() });
    return this.find(target.id) ?? target;
  }

  /** Whether the user has reacted with `emoji` to the message (for toggling). */
  hasMyReaction(messageId: string, emoji: string): boolean {
    return this.find(messageId)?.reactions?.some((r) => r.emoji === emoji && r.mine) ?? false;
  }

  /**
   * After a reconnect (and its history sync, which settles sends that were stored): send again every frame that
   * left on an earlier socket before `readyAt` and is still unacknowledged, since the old socket may have lost it.
   * The same message id makes a copy that did arrive a no-op (the server dedupes it).
   */
  resendUnacked(readyAt: number): void {
    for (const p of [...this.pending.values()]) {
      // A frame waiting out a rate limit goes again when its timer fires.
      if (!p.frame || p.sentAt === undefined || p.sentAt >= readyAt || p.resendTimer) continue;
      const frame = p.frame;
      p.sentAt = Date.now();
      p.restartTimer();
      this.deps.sendFrame(frame).catch((err: unknown) => p.reject(err as Error));
    }
  }

  /** Reject every pending send (the session or socket is closing). */
  failAllPending(err: Error): void {
    for (const p of [...this.pending.values()]) p.reject(err);
  }

  /**
   * Draft, encrypt, send, and resolve on the server's ack. The draft is shown at once (status 'pending') for texts;
   * reactions, edits and deletes change their target when stored. Rejects (and marks a text 'failed') on an error
   * frame, when the socket does not open in time, or when no ack arrives within the ack timeout.
   */
  private async sendPayload(conversationId: string, payload: MessagePayload): Promise<LogItem> {
    const { session, crypto } = this.deps;
    const conv = conversationId.toLowerCase();
    checkEncodable(payload);
    // Refuse before anything is shown: a blocked identity change, or nobody to encrypt to.
    await crypto.checkCanSend(conv);
    const log = this.logOf(conv);
    const id = uuidv7();
    const meta: MessageMeta = {
      id,
      conversationId: conv,
      seq: 0,
      senderUserId: session.user.id,
      senderDeviceId: session.deviceId,
      createdAt: new Date().toISOString(),
      status: 'pending',
      mine: true,
      protocol: 1,
    };
    const draft: LogItem = { meta, content: contentOf(payload) };
    this.apply(log.put(draft), conv);
    try {
      const envelope = await crypto.encrypt(conv, id, payload);
      // Register before sending: an ack (or an error frame) can arrive before `send` resolves.
      const acked = this.awaitAck(id);
      const frame: ClientFrame = { type: 'message.send', id, conversationId: conv, envelope };
      const p = this.pending.get(id);
      if (p) p.frame = frame;
      try {
        await this.deps.sendFrame(frame);
        if (p && p.sentAt === undefined) p.sentAt = Date.now();
      } catch (err) {
        this.pending.get(id)?.reject(err as Error);
      }
      await acked;
      return log.get(id) ?? draft;
    } catch (err) {
      await this.serial.run(conv, async () => {
        const current = log.get(id) ?? draft;
        if (current.meta.status !== 'sent') this.apply(log.put({ ...current, meta: { ...current.meta, status: 'failed' } }), conv);
      });
      throw err;
    }
  }

  private requireTarget(messageId: string): DecryptedMessage {
    const target = this.find(messageId);
    if (!target) throw new MessageNotFoundError('no such message');
    return target;
  }

  private requireOwn(messageId: string): DecryptedMessage {
    const target = this.requireTarget(messageId);
    if (target.senderUserId.toLowerCase() !== this.deps.session.user.id.toLowerCase()) throw new EditNotAllowedError('only the author may edit or delete a message');
    if (target.body.kind === 'deleted') throw new EditNotAllowedError('the message was deleted');
    return target;
  }

  private awaitAck(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        const p = this.pending.get(id);
        if (p) clearTimeout(p.resendTimer);
        this.pending.delete(id);
      };
      const restartTimer = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          done();
          reject(new AckTimeoutError('no acknowledgement from the server'));
        }, this.deps.ackTimeoutMs ?? 15_000);
      };
      restartTimer();
      this.pending.set(id, {
        restartTimer,
        stopTimer: () => clearTimeout(timer),
        rateLimited: 0,
        resolve: () => (done(), resolve()),
        reject: (e) => (done(), reject(e)),
      });
    });
  }

  private settle(id: string): void {
    this.pending.get(id)?.resolve();
  }

  private logOf(conversationId: string): ConversationLog {
    let log = this.logs.get(conversationId);
    if (!log) this.logs.set(conversationId, (log = new ConversationLog(this.deps.session.user.id)));
    return log;
  }

  private apply(change: LogChange, conversationId: string): void {
    // A decryption that finishes after the conversation was forgotten must not make it searchable again.
    const held = this.logs.has(conversationId);
    for (const m of change.changed) {
      if (held) this.search.update(m);
      this.deps.emit(m);
    }
    for (const id of change.removed) {
      this.search.remove(id);
      this.deps.emitRemoved({ conversationId, id });
    }
  }

  /** Page through history after lastSeq. The server returns every message after it, so lastSeq jumps to the max. */
  private async fetchAfter(conversationId: string): Promise<void> {
    const log = this.logOf(conversationId);
    const limit = this.deps.historyPageSize ?? 200;
    for (;;) {
      const before = log.lastSeq;
      const page = await this.deps.api.history(conversationId, before, limit);
      const messages = [...page.messages].sort((a, b) => a.seq - b.seq);
      const outcomes = await this.decryptPage(messages, log);
      for (const m of messages) {
        await this.ingest(m, log, outcomes.get(m));
        if (m.seq > log.lastSeq) log.lastSeq = m.seq;
      }
      // A page that moved nothing forward would be asked for again forever (a server answering hasMore with old
      // messages); stop and let the next sync try again.
      if (!page.hasMore || log.lastSeq <= before) return;
    }
  }

  /** Decrypt again the messages of a conversation that could not be read before (`key`: only those awaiting a key). */
  private async retry(conversationId: string, which: 'key' | 'any'): Promise<void> {
    const log = this.logOf(conversationId);
    const due = [...this.retryDecrypt.values()]
      .filter((r) => r.stored.conversationId.toLowerCase() === conversationId && (which === 'any' || r.when === 'key'))
      .map((r) => r.stored)
      .sort((a, b) => a.seq - b.seq);
    const outcomes = await this.decryptMany(due);
    for (const [i, stored] of due.entries()) await this.ingest(stored, log, outcomes[i]);
  }

  /**
   * Decrypt at once what `ingest` will decrypt of a page: messages not held, or held but waiting to be decrypted
   * again; of several copies of one id only the first (`ingest` then finds the others held, or decrypts them
   * itself, exactly as one by one).
   */
  private async decryptPage(messages: readonly StoredMessage[], log: ConversationLog): Promise<Map<StoredMessage, DecryptOutcome>> {
    const ids = new Set<string>();
    const wanted = messages.filter((m) => {
      const id = m.id.toLowerCase();
      if (ids.has(id) || this.isSettled(id, log)) return false;
      ids.add(id);
      return true;
    });
    const outcomes = await this.decryptMany(wanted);
    return new Map(wanted.map((m, i) => [m, outcomes[i]!]));
  }

  /** Held, and not waiting to be decrypted again: a copy of it only updates its seq and status. */
  private isSettled(id: string, log: ConversationLog): boolean {
    return log.get(id) !== undefined && !this.retryDecrypt.has(id);
  }

  /**
   * Add or merge one stored message; emits what the UI shows differently. `decrypted`: its outcome when the caller
   * decrypted it already (with its page), else it is decrypted here if needed.
   */
  private async ingest(stored: StoredMessage, log: ConversationLog, decrypted?: DecryptOutcome): Promise<void> {
    const id = stored.id.toLowerCase();
    const conv = stored.conversationId.toLowerCase();
    const existing = log.get(id);
    if (existing && this.isSettled(id, log)) {
      if (existing.meta.seq !== stored.seq || existing.meta.status !== 'sent' || existing.meta.createdAt !== stored.createdAt) {
        this.apply(log.put({ ...existing, meta: { ...existing.meta, seq: stored.seq, status: 'sent', createdAt: stored.createdAt } }), conv);
      }
      this.settle(id);
      return;
    }
    const outcome = decrypted ?? (await this.decrypt(stored));
    const meta: MessageMeta = {
      id,
      conversationId: conv,
      seq: stored.seq,
      senderUserId: stored.senderUserId.toLowerCase(),
      senderDeviceId: stored.senderDeviceId.toLowerCase(),
      createdAt: stored.createdAt,
      status: 'sent',
      mine: stored.senderUserId.toLowerCase() === this.deps.session.user.id.toLowerCase(),
      protocol: stored.envelope.v === 0 ? 0 : 1,
    };
    let content: ItemContent;
    if (outcome.ok) {
      this.retryDecrypt.delete(id);
      content = contentOf(outcome.payload);
    } else {
      if (outcome.retry) this.retryDecrypt.set(id, { stored, when: outcome.retry });
      else this.retryDecrypt.delete(id);
      content = { kind: 'undecryptable', code: outcome.code, reason: outcome.reason, retrying: outcome.retry !== false };
    }
    const before = log.get(id);
    // Nothing new to show: the same "can't decrypt yet" as before.
    if (before && sameContent(before.content, content) && before.meta.seq === meta.seq) return;
    this.apply(log.put({ meta, content }), conv);
    this.settle(id);
  }

  private async decrypt(stored: StoredMessage): Promise<DecryptOutcome> {
    try {
      return await this.deps.crypto.decrypt(stored);
    } catch {
      return KEYS_UNAVAILABLE;
    }
  }

  private async decryptMany(stored: readonly StoredMessage[]): Promise<DecryptOutcome[]> {
    if (stored.length === 0) return [];
    try {
      return await this.deps.crypto.decryptMany(stored);
    } catch {
      // decryptMany answers one bad message with its outcome; a rejection of the whole call is the keys' failure.
      return stored.map(() => KEYS_UNAVAILABLE);
    }
  }
}

/** What a decrypted payload is in the log. */
function contentOf(payload: MessagePayload): ItemContent {
  switch (payload.type) {
    case 'text':
      return payload.reply ? { kind: 'text', text: payload.text, replyTo: { ...payload.reply } } : { kind: 'text', text: payload.text };
    case 'reaction':
      return { kind: 'reaction', targetId: payload.messageId, emoji: payload.emoji, remove: payload.remove };
    case 'edit':
      return { kind: 'edit', targetId: payload.messageId, text: payload.text };
    case 'delete':
      return { kind: 'delete', targetId: payload.messageId };
  }
}

function sameContent(a: ItemContent, b: ItemContent): boolean {
  return a.kind === 'undecryptable' && b.kind === 'undecryptable' && a.code === b.code && a.retrying === b.retrying;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The start of a text, cut at a code point boundary. */
export function quoteOf(text: string): string {
  const points = [...text];
  return points.length > REPLY_QUOTE_CHARS ? `${points.slice(0, REPLY_QUOTE_CHARS).join('')}…` : text;
}

/** Refuse payloads the protocol cannot carry before anything is shown or sent. */
function checkEncodable(payload: MessagePayload): void {
  try {
    encodePayload(payload);
  } catch (err) {
    const text = payload.type === 'text' || payload.type === 'edit' ? payload.text : '';
    // A non-empty, well-formed text that does not encode is too long; anything else is not text at all.
    if (text.length > 0 && !LONE_SURROGATE.test(text)) throw new MessageTooLongError(`a message holds at most ${MAX_PAYLOAD_BYTES} bytes once encoded`, { cause: err });
    throw new TypeError('the message is empty or not valid text', { cause: err });
  }
}
