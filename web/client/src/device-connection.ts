import type { Conversation, PresenceState, ServerFrame } from '@cipherlink/proto';
import type { AccountKeys } from './e2ee/account';
import { E2eeSession } from './e2ee/e2ee-session';
import type { Emitter } from './emitter';
import { MessageSync } from './message-sync';
import type { PeerDirectory } from './peer-directory';
import type { KeyStore } from './store/key-store';
import type { CipherLinkApi } from './transport/cipherlink-api';
import { NotConnectedError, SocketClient, type SocketFatalReason } from './transport/socket-client';
import type { WebSocketConstructor } from './transport/websocket-like';
import type { ClientEvents, ConnectionState, Session } from './types';

/** How long opening waits for the socket before resolving anyway (state events follow). */
const CONNECT_WAIT_MS = 10_000;

/** What the client lends a connection: its caches, its events, and what to do when the connection ends. */
export interface ConnectionHost {
  events: Emitter<ClientEvents>;
  /** Refetch the conversation list (emits 'conversations'). */
  refreshConversations(): Promise<unknown>;
  conversationIds(): string[];
  conversationById(id: string): Promise<Conversation | undefined>;
  /** Conversations the local user shares with `userId`. */
  sharedConversations(userId: string): string[];
  presence(state: PresenceState): void;
  /** The socket is ready: send the presence watch list. */
  socketReady(socket: SocketClient): void;
  setState(state: ConnectionState): void;
  /** The socket stopped for good. */
  socketEnded(reason: SocketFatalReason): void;
  deviceRemoved(): void;
  leftConversation(conversationId: string): void;
}

export interface DeviceConnectionOptions {
  api: CipherLinkApi;
  store: KeyStore;
  peers: PeerDirectory;
  baseUrl: string;
  WebSocket: WebSocketConstructor;
  getToken: (refused?: string) => Promise<string>;
  account: AccountKeys;
  session: Session;
  host: ConnectionHost;
  sendTimeoutMs: number;
  historyPageSize?: number;
  backupDebounceMs?: number;
  /** Ask the user's other devices for their keys once the socket is ready (after a restore). */
  requestKeysOnReady?: boolean;
  /** Exclusive across the tabs of this browser (Web Locks). */
  lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  /** Runs after the stored keys are loaded and before the socket connects (a restore imports its keys here). */
  beforeConnect?: (e2ee: E2eeSession) => Promise<void>;
}

/**
 * Everything that runs while this device's end-to-end keys are ready: the e2ee session, the authenticated socket
 * and the message sync, wired together. One per device session; closed on sign-out, device removal or reset.
 */
export class DeviceConnection {
  private requestKeysOnReady: boolean;

  private constructor(
    readonly e2ee: E2eeSession,
    readonly socket: SocketClient,
    readonly sync: MessageSync,
    private readonly host: ConnectionHost,
    requestKeysOnReady: boolean,
  ) {
    this.requestKeysOnReady = requestKeysOnReady;
  }

  static async open(o: DeviceConnectionOptions): Promise<DeviceConnection> {
    const { host } = o;
    const holder: { conn?: DeviceConnection } = {};
    const e2ee = await E2eeSession.start({
      api: o.api,
      store: o.store,
      account: o.account,
      sendFrame: (frame) => (holder.conn ? holder.conn.socket.send(frame) : Promise.reject(new NotConnectedError('not connected'))),
      peers: o.peers,
      conversation: (id) => host.conversationById(id),
      backupDebounceMs: o.backupDebounceMs,
      ...(o.lock ? { lock: o.lock } : {}),
      events: {
        identity: (userId, event, blocked) => {
          if (event.kind !== 'changed') return;
          host.events.emit('identity-changed', { userId, conversationIds: host.sharedConversations(userId), wasVerified: event.wasVerified, blocked });
        },
        backup: (status) => host.events.emit('backup', status),
        keyArrived: (conversationId) => void holder.conn?.sync.keyArrived(conversationId).catch(() => undefined),
        deviceRemoved: () => host.deviceRemoved(),
        leftConversation: (conversationId) => host.leftConversation(conversationId),
        membershipChanged: () => void host.refreshConversations().catch(() => undefined),
      },
    });
    await o.beforeConnect?.(e2ee);
    const socket: SocketClient = new SocketClient({
      baseUrl: o.baseUrl,
      WebSocket: o.WebSocket,
      deviceId: o.account.device.deviceId,
      getToken: o.getToken,
      onFrame: (frame) => holder.conn?.onFrame(frame),
      onState: (s) => host.setState(s),
      onReady: (_frame, reconnect) => holder.conn?.onReady(reconnect),
      onFatal: (reason) => host.socketEnded(reason),
      sendTimeoutMs: o.sendTimeoutMs,
    });
    const sync = new MessageSync({
      session: o.session,
      api: o.api,
      crypto: e2ee,
      sendFrame: (frame) => socket.send(frame),
      emit: (m) => host.events.emit('message', m),
      emitRemoved: (r) => host.events.emit('message-removed', r),
      ackTimeoutMs: o.sendTimeoutMs,
      ...(o.historyPageSize ? { historyPageSize: o.historyPageSize } : {}),
    });
    const conn = new DeviceConnection(e2ee, socket, sync, host, o.requestKeysOnReady ?? false);
    holder.conn = conn;
    socket.start();
    try {
      await socket.whenOpen(CONNECT_WAIT_MS);
    } catch {
      // Not fatal: the socket keeps retrying and 'connection' events report it; a fatal failure ends the session.
    }
    return conn;
  }

  async close(err: Error = new NotConnectedError('signed out')): Promise<void> {
    this.sync.failAllPending(err);
    this.e2ee.stop();
    await this.socket.close();
  }

  private onReady(reconnect: boolean): void {
    this.host.socketReady(this.socket);
    const readyAt = Date.now();
    void (async () => {
      // Keys first (what was distributed to us while offline), so the history sync below can decrypt.
      await this.e2ee.onReady().catch(() => undefined);
      // Anything that happened while no socket delivered to us: new conversations (after a reconnect), then the
      // tail of every conversation we hold messages of. Even the first socket needs the latter: history may have
      // been loaded over REST before it became ready, and nothing delivered what came in between.
      const askForKeys = this.requestKeysOnReady;
      if (reconnect || askForKeys) await this.host.refreshConversations().catch(() => undefined);
      if (askForKeys) {
        this.requestKeysOnReady = false;
        await this.e2ee.requestKeys(this.host.conversationIds()).catch(() => undefined);
      }
      const ids = new Set([...(reconnect ? this.host.conversationIds() : []), ...this.sync.knownConversations()]);
      await Promise.all([...ids].map((id) => this.sync.history(id).catch(() => undefined)));
      // Sends the lost socket may have swallowed: whatever the history sync did not find stored goes out again.
      this.sync.resendUnacked(readyAt);
    })();
  }

  private onFrame(frame: ServerFrame): void {
    if (this.e2ee.onFrame(frame)) return;
    switch (frame.type) {
      case 'message':
        void this.sync.onMessage(frame.message).catch(() => undefined);
        break;
      case 'message.ack':
        void this.sync.onAck(frame).catch(() => undefined);
        break;
      case 'error':
        if (frame.ref) this.sync.onSendError(frame.ref, frame.code, frame.message, frame.retryAfterSeconds);
        break;
      case 'presence':
        this.host.presence(frame.presence);
        break;
      case 'conversation.added':
        void this.host.refreshConversations().catch(() => undefined);
        break;
      default:
        break;
    }
  }
}
