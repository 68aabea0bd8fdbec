import type { ClientFrame, Conversation, StoredMessage } from '@cipherlink/proto';
import { DecryptionError, fromBase64Url, InvalidPublicKeyError, type MessageCipher } from './crypto';
import { ConversationLog } from './conversation-log';
import { AckTimeoutError, SendRejectedError, UnsupportedConversationError } from './errors';
import { KeyedSerial } from './keyed-serial';
import { UnknownDeviceError, type PeerDirectory } from './peer-directory';
import type { CipherLinkApi } from './transport/cipherlink-api';
import type { DecryptedMessage, MessageBody, Session } from './types';
import { uuidv7 } from './uuidv7';

export interface MessageSyncDeps {
  session: Pick<Session, 'user' | 'deviceId'>;
  api: CipherLinkApi;
  peers: PeerDirectory;
  cipher: MessageCipher;
  /** The conversation with this id (from the client's cache, refreshed when unknown). */
  conversation: (id: string) => Promise<Conversation | undefined>;
  /** Send one frame on the socket (waits for open, rejects when it cannot). */
  sendFrame: (frame: ClientFrame) => Promise<void>;
  emit: (message: DecryptedMessage) => void;
  historyPageSize?: number;
  ackTimeoutMs?: number;
}

interface PendingSend {
  resolve: (m: DecryptedMessage) => void;
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

/**
 * Keeps every conversation's messages in order and without duplicates: realtime frames, acks and history pages
 * go through one queue per conversation; a sequence gap triggers a history fetch; decryption failures become
 * 'undecryptable' messages instead of errors.
 */
export class MessageSync {
  private readonly logs = new Map<string, ConversationLog>();
  private readonly serial = new KeyedSerial();
  private readonly pending = new Map<string, PendingSend>();
  /**
   * Messages whose decryption failed for a transient reason (network), by id, with their stored copy: decrypted
   * again by the next `history()` of their conversation (a reconnect runs one), or when another copy arrives.
   */
  private readonly retryDecrypt = new Map<string, StoredMessage>();

  constructor(private readonly deps: MessageSyncDeps) {}

  /** Conversations this client holds messages of. */
  knownConversations(): string[] {
    return [...this.logs.keys()];
  }

  /** Fetch everything after the last contiguous seq, then return the whole local copy in order. */
  async history(conversationId: string): Promise<DecryptedMessage[]> {
    await this.serial.run(conversationId, async () => {
      await this.fetchAfter(conversationId);
      await this.retryFailedDecryptions(conversationId);
    });
    return this.logOf(conversationId).list();
  }

  /** A `message` frame: merge (own echo), fill a gap through history, or append. */
  onMessage(stored: StoredMessage): Promise<void> {
    return this.serial.run(stored.conversationId, async () => {
      const log = this.logOf(stored.conversationId);
      if (stored.seq > log.lastSeq + 1) {
        try {
          await this.fetchAfter(stored.conversationId);
        } catch {
          // History unavailable: still show this message; lastSeq stays put so the next sync fills the gap.
        }
        if (log.get(stored.id)?.seq) return;
      }
      await this.ingest(stored, log);
      if (stored.seq === log.lastSeq + 1) log.lastSeq = stored.seq;
    });
  }

  /** A `message.ack` for one of our sends. */
  onAck(ack: { id: string; conversationId: string; seq: number }): Promise<void> {
    return this.serial.run(ack.conversationId, async () => {
      const log = this.logOf(ack.conversationId);
      if (ack.seq > log.lastSeq + 1) {
        // Our message got a seq past the end of what we hold: messages before it were not delivered to us.
        try {
          await this.fetchAfter(ack.conversationId);
        } catch {
          // History unavailable: the next sync (reconnect, next gap) fills it.
        }
      }
      const mine = log.get(ack.id);
      if (!mine) return;
      const sent: DecryptedMessage = { ...mine, seq: ack.seq, status: 'sent' };
      if (mine.seq !== ack.seq || mine.status !== 'sent') {
        log.put(sent);
        this.deps.emit(sent);
      }
      if (ack.seq === log.lastSeq + 1) log.lastSeq = ack.seq;
      this.settle(ack.id, sent);
    });
  }

  /**
   * An `error` frame answering one of our sends. `rate_limited` is not a failure yet: the message stays pending
   * and goes out again (same id) after the delay the server asked for, a few times at most.
   */
  onSendError(ref: string, code: SendRejectedError['code'], message: string, retryAfterSeconds?: number): void {
    const p = this.pending.get(ref);
    if (!p) return;
    const frame = p.frame;
    if (code !== 'rate_limited' || !frame || p.rateLimited >= MAX_RATE_LIMITED_RESENDS) {
      p.reject(new SendRejectedError(code, message));
      return;
    }
    p.rateLimited++;
    p.stopTimer();
    clearTimeout(p.resendTimer);
    // A little jitter so a burst of refused messages does not come back as one burst.
    const delayMs = (retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS) * 1000 + Math.floor(Math.random() * 250);
    p.resendTimer = setTimeout(() => {
      p.resendTimer = undefined;
      if (this.pending.get(ref) !== p) return;
      p.sentAt = Date.now();
      p.restartTimer();
      this.deps.sendFrame(frame).catch((err: unknown) => p.reject(err as Error));
    }, delayMs);
  }

  /** Encrypt, send, and resolve on the server's ack (see CipherLinkClient.sendText). */
  async sendText(conversationId: string, text: string): Promise<DecryptedMessage> {
    const { session, cipher } = this.deps;
    const log = this.logOf(conversationId);
    const draft: DecryptedMessage = {
      id: uuidv7(),
      conversationId,
      seq: 0,
      senderUserId: session.user.id,
      senderDeviceId: session.deviceId,
      createdAt: new Date().toISOString(),
      status: 'pending',
      body: { kind: 'text', text },
      mine: true,
    };
    log.put(draft);
    this.deps.emit(draft);
    try {
      const peerUserId = await this.peerOf(conversationId);
      const recipient = await this.deps.peers.newestDevice(peerUserId);
      const envelope = await cipher.encrypt({
        conversationId,
        messageId: draft.id,
        recipientDeviceId: recipient.id,
        recipientPublicKey: fromBase64Url(recipient.publicKey),
        content: { t: 'text', text },
      });
      // Register before sending: an ack (or an error frame) can arrive before `send` resolves.
      const acked = this.awaitAck(draft.id);
      const frame: ClientFrame = { type: 'message.send', id: draft.id, conversationId, envelope };
      const p = this.pending.get(draft.id);
      if (p) p.frame = frame;
      try {
        await this.deps.sendFrame(frame);
        if (p && p.sentAt === undefined) p.sentAt = Date.now();
      } catch (err) {
        this.pending.get(draft.id)?.reject(err as Error);
      }
      return await acked;
    } catch (err) {
      const current = log.get(draft.id) ?? draft;
      if (current.status !== 'sent') {
        const failed: DecryptedMessage = { ...current, status: 'failed' };
        log.put(failed);
        this.deps.emit(failed);
      }
      throw err;
    }
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

  private awaitAck(id: string): Promise<DecryptedMessage> {
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
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
      });
    });
  }

  private settle(id: string, message: DecryptedMessage): void {
    this.pending.get(id)?.resolve(message);
  }

  private logOf(conversationId: string): ConversationLog {
    let log = this.logs.get(conversationId);
    if (!log) this.logs.set(conversationId, (log = new ConversationLog()));
    return log;
  }

  /** Page through history after lastSeq. The server returns every message after it, so lastSeq jumps to the max. */
  private async fetchAfter(conversationId: string): Promise<void> {
    const log = this.logOf(conversationId);
    const limit = this.deps.historyPageSize ?? 200;
    for (;;) {
      const before = log.lastSeq;
      const page = await this.deps.api.history(conversationId, before, limit);
      const messages = [...page.messages].sort((a, b) => a.seq - b.seq);
      for (const m of messages) {
        await this.ingest(m, log);
        if (m.seq > log.lastSeq) log.lastSeq = m.seq;
      }
      // A page that moved nothing forward would be asked for again forever (a server answering hasMore with old
      // messages); stop and let the next sync try again.
      if (!page.hasMore || log.lastSeq <= before) return;
    }
  }

  /** Decrypt again the messages of a conversation whose keys were unavailable (offline) last time. */
  private async retryFailedDecryptions(conversationId: string): Promise<void> {
    const log = this.logOf(conversationId);
    for (const stored of [...this.retryDecrypt.values()]) {
      if (stored.conversationId === conversationId) await this.ingest(stored, log);
    }
  }

  /** Add or merge one stored message; emits when something the UI shows changed. */
  private async ingest(stored: StoredMessage, log: ConversationLog): Promise<void> {
    const existing = log.get(stored.id);
    if (existing && !this.retryDecrypt.has(stored.id)) {
      if (existing.seq !== stored.seq || existing.status !== 'sent') {
        const merged: DecryptedMessage = { ...existing, seq: stored.seq, status: 'sent', createdAt: stored.createdAt };
        log.put(merged);
        this.deps.emit(merged);
        this.settle(stored.id, merged);
      }
      return;
    }
    const message = await this.decrypt(stored);
    log.put(message);
    this.deps.emit(message);
    this.settle(stored.id, message);
  }

  private async decrypt(stored: StoredMessage): Promise<DecryptedMessage> {
    const me = this.deps.session;
    const base = {
      id: stored.id,
      conversationId: stored.conversationId,
      seq: stored.seq,
      senderUserId: stored.senderUserId,
      senderDeviceId: stored.senderDeviceId,
      createdAt: stored.createdAt,
      status: 'sent' as const,
      mine: stored.senderUserId === me.user.id,
    };
    this.retryDecrypt.delete(stored.id);
    return { ...base, body: await this.decryptBody(stored) };
  }

  private async decryptBody(stored: StoredMessage): Promise<MessageBody> {
    const { cipher, peers } = this.deps;
    const env = stored.envelope;
    try {
      // The server vouches for which device sent it; the envelope must agree, or keys could be confused.
      if (env.senderDeviceId.toLowerCase() !== stored.senderDeviceId.toLowerCase()) {
        return { kind: 'undecryptable', reason: 'sender device mismatch' };
      }
      const peerDeviceId = cipher.peerDeviceOf(env);
      const iSentIt = env.senderDeviceId.toLowerCase() === cipher.deviceId;
      // Our own device's ciphertext decrypts with our key whoever the server names as sender: it must be ours, or
      // the server could show our words as the peer's.
      if (iSentIt && stored.senderUserId !== this.deps.session.user.id) {
        return { kind: 'undecryptable', reason: 'sender mismatch' };
      }
      const peerUserId = iSentIt ? await this.peerOf(stored.conversationId) : stored.senderUserId;
      const peerPublicKey = await peers.publicKey(peerUserId, peerDeviceId);
      const content = await cipher.decrypt({ conversationId: stored.conversationId, messageId: stored.id, envelope: env, peerPublicKey });
      return { kind: 'text', text: content.text };
    } catch (err) {
      if (err instanceof DecryptionError) return { kind: 'undecryptable', reason: err.reason };
      if (err instanceof InvalidPublicKeyError) return { kind: 'undecryptable', reason: 'invalid sender key' };
      if (err instanceof UnknownDeviceError) return { kind: 'undecryptable', reason: 'unknown sender device' };
      if (err instanceof UnsupportedConversationError) return { kind: 'undecryptable', reason: err.message };
      this.retryDecrypt.set(stored.id, stored);
      return { kind: 'undecryptable', reason: 'key unavailable (offline?)' };
    }
  }

  /** The other member of a DM (protocol v0 has pairwise keys only). */
  private async peerOf(conversationId: string): Promise<string> {
    const conv = await this.deps.conversation(conversationId);
    if (!conv) throw new UnsupportedConversationError('unknown conversation');
    if (conv.kind !== 'dm') throw new UnsupportedConversationError('protocol v0 encrypts direct messages only');
    const peer = conv.members.find((u) => u.id !== this.deps.session.user.id);
    if (!peer) throw new UnsupportedConversationError('conversation has no other member');
    return peer.id;
  }
}
