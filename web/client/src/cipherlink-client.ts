import type { Conversation, PresenceState, PublicUser, ServerFrame, SessionsResponse, TokenResponse } from '@cipherlink/proto';
import { generateDeviceKeyPair, ProtocolV0, toBase64Url } from './crypto';
import { Emitter } from './emitter';
import { NotSignedInError } from './errors';
import { MessageSync } from './message-sync';
import { PeerDirectory } from './peer-directory';
import type { DeviceKeys, KeyStore } from './store/key-store';
import { ApiError } from './transport/api-error';
import { CipherLinkApi } from './transport/cipherlink-api';
import { RestClient } from './transport/rest-client';
import { NotConnectedError, SocketClient } from './transport/socket-client';
import { browserTabSync, type BroadcastChannelLike, type LockManagerLike, type TabSignOutReason } from './transport/token-sync';
import type { WebSocketConstructor } from './transport/websocket-like';
import type { ClientEvents, ConnectionState, DecryptedMessage, Session, SessionEndReason, SignOutReason, Unsubscribe } from './types';

export interface CipherLinkClientOptions {
  /** Origin of the API ('' = same origin in the browser; required in Node, e.g. `http://127.0.0.1:8080`). */
  baseUrl: string;
  keyStore: KeyStore;
  /** WebSocket constructor; defaults to the global one (browser). In Node pass `ws`'s WebSocket. */
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  /** Node only: keep the refresh cookie in memory (Node's fetch has no cookie store). */
  cookieJar?: boolean;
  /** How long `sendText` waits for an open socket and then for the ack. Default 15 s. */
  sendTimeoutMs?: number;
  /** History page size (1..500). Default 200. */
  historyPageSize?: number;
  /**
   * How the tabs of one browser share refreshes and sign-outs (Web Locks + BroadcastChannel). Default: the
   * browser's, unless `cookieJar` is set (Node: nothing is shared). `false` turns it off.
   */
  tabSync?: { locks?: LockManagerLike; channel?: BroadcastChannelLike } | false;
}

/** The ways this client ends its own session on the server. */
type PurposefulEnd = 'logout' | 'logout-everywhere' | 'account-deleted';

/** How long login/resume wait for the socket before resolving anyway (state events follow). */
const CONNECT_WAIT_MS = 10_000;

interface ActiveSession {
  session: Session;
  socket: SocketClient;
  sync: MessageSync;
}

/**
 * The CipherLink SDK: sign-in, this device's keys, conversations, end-to-end encrypted messages and presence.
 * Runs in the browser and in Node 20. All cryptography happens here, behind `MessageCipher` (protocol v0 today).
 */
export class CipherLinkClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly rest: RestClient;
  private readonly api: CipherLinkApi;
  private readonly peers: PeerDirectory;
  private readonly WebSocketCtor: WebSocketConstructor | undefined;
  private active: ActiveSession | undefined;
  private state: ConnectionState = 'idle';
  private readonly convs = new Map<string, Conversation>();
  private readonly presenceByUser = new Map<string, PresenceState>();
  private readonly watched = new Set<string>();
  /** Set while this client itself ends its session (logout everywhere, delete): a 4003 then is expected. */
  private endingOnPurpose: PurposefulEnd | undefined;

  constructor(private readonly opts: CipherLinkClientOptions) {
    const tabSync = opts.tabSync === false ? {} : (opts.tabSync ?? (opts.cookieJar ? {} : browserTabSync()));
    this.rest = new RestClient({
      baseUrl: opts.baseUrl.replace(/\/$/, ''),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.cookieJar ? { cookieJar: true } : {}),
      ...tabSync,
      onSessionExpired: (reason) => this.serverEndedSession(reason),
      onSignedOutElsewhere: (reason) => this.signOut(`other-tab-${reason}`),
    });
    this.api = new CipherLinkApi(this.rest);
    this.peers = new PeerDirectory(this.api);
    this.WebSocketCtor = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  }

  /** Subscribe to an event; returns the function that unsubscribes. */
  on<K extends keyof ClientEvents>(event: K, fn: (e: ClientEvents[K]) => void): Unsubscribe {
    return this.events.on(event, fn);
  }

  get session(): Session | null {
    return this.active?.session ?? null;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Create an account. Does not sign in. */
  register(username: string, password: string): Promise<PublicUser> {
    return this.api.register(username, password);
  }

  /** Sign in, load or create this device's keys for the user, and connect the socket. */
  async login(username: string, password: string): Promise<Session> {
    const tokens = await this.api.login(username, password);
    return this.startSession(tokens);
  }

  /** After a page reload: use the refresh cookie. Null when not signed in. */
  async resume(): Promise<Session | null> {
    let tokens: TokenResponse;
    try {
      tokens = await this.rest.refresh();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 400)) return null;
      throw err;
    }
    return this.startSession(tokens);
  }

  /**
   * End the session on the server and locally, in every tab of this browser (they share the session). Device
   * keys stay in the KeyStore for the next sign-in.
   */
  async logout(): Promise<void> {
    if (!this.active) return;
    try {
      await this.onPurpose('logout', () => this.api.logout());
    } catch {
      // Signing out locally must work offline too; the server session then expires by itself.
    }
    this.signOut('logout', 'logout');
  }

  /** This user's signed-in sessions (this one first, marked `current`) and the latest security events. */
  listSessions(): Promise<SessionsResponse> {
    this.requireSession();
    return this.api.sessions();
  }

  /** End another session of this user (it is signed out within seconds). Ending this one is `logout()`. */
  async revokeSession(sessionId: string): Promise<void> {
    const { session } = this.requireSession();
    if (sessionId.toLowerCase() === session.sessionId.toLowerCase()) return this.logout();
    await this.api.revokeSession(sessionId);
  }

  /** End every other session of this user; resolves with how many were ended. */
  revokeOtherSessions(): Promise<number> {
    this.requireSession();
    return this.api.revokeOtherSessions();
  }

  /** End every session of this user, this one included; resolves with how many were ended. */
  async logoutEverywhere(): Promise<number> {
    this.requireSession();
    const revoked = await this.onPurpose('logout-everywhere', () => this.api.logoutAll());
    this.signOut('logout-everywhere', 'logout-everywhere');
    return revoked;
  }

  /** Change the password; the server ends every other session, this one stays signed in. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    this.requireSession();
    await this.api.changePassword(currentPassword, newPassword);
  }

  /** Delete the account (the password confirms it): every session ends and this device's keys are forgotten. */
  async deleteAccount(password: string): Promise<void> {
    const { session } = this.requireSession();
    await this.onPurpose('account-deleted', () => this.api.deleteAccount(password));
    this.signOut('account-deleted', 'account-deleted');
    try {
      await this.opts.keyStore.forgetDevice?.(session.user.id);
    } catch {
      // The account is gone either way; a key left behind can no longer be used by anyone.
    }
  }

  /** The user with this username, or null. */
  findUser(username: string): Promise<PublicUser | null> {
    this.requireSession();
    return this.api.userByName(username);
  }

  /** Open (or get) the DM with a user. */
  async openDm(peerUserId: string): Promise<Conversation> {
    this.requireSession();
    const conv = await this.api.openDm(peerUserId);
    this.convs.set(conv.id, conv);
    this.events.emit('conversations', [...this.convs.values()]);
    return conv;
  }

  /** The user's conversations, fresh from the server; also emitted as 'conversations'. */
  async conversations(): Promise<Conversation[]> {
    this.requireSession();
    const list = await this.api.conversations();
    this.convs.clear();
    for (const c of list) this.convs.set(c.id, c);
    this.events.emit('conversations', list);
    return list;
  }

  /**
   * Every message of a conversation this client can know of, decrypted, deduplicated, sorted by seq (pending
   * last). Fetches only what came after the last seq already held; new messages are also emitted as 'message'.
   */
  history(conversationId: string): Promise<DecryptedMessage[]> {
    return this.requireSession().sync.history(conversationId);
  }

  /**
   * Encrypt and send a text. Emits 'message' with status 'pending' at once; resolves with status 'sent' and its
   * seq when the server acknowledges; rejects (and emits status 'failed') on an error frame, when the socket
   * does not open in time, or when no ack arrives within `sendTimeoutMs`.
   */
  sendText(conversationId: string, text: string): Promise<DecryptedMessage> {
    return this.requireSession().sync.sendText(conversationId, text);
  }

  /** Receive presence changes of these users (added to the watched set; survives reconnects). */
  watchPresence(userIds: string[]): void {
    for (const id of userIds) this.watched.add(id);
    const socket = this.active?.socket;
    if (socket?.state === 'open') this.sendPresenceWatch(socket);
  }

  /** Last known presence of a watched user. */
  presence(userId: string): PresenceState | undefined {
    return this.presenceByUser.get(userId);
  }

  /** Disconnect and stop; the server session stays (use logout to end it). */
  async close(): Promise<void> {
    const active = this.active;
    this.active = undefined;
    this.rest.pauseRefresh();
    if (active) {
      active.sync.failAllPending(new NotConnectedError('client closed'));
      await active.socket.close();
    }
    this.setState('closed');
  }

  private requireSession(): ActiveSession {
    if (!this.active) throw new NotSignedInError();
    return this.active;
  }

  /**
   * Run a call that ends this session on the server, which closes the session's sockets (4003) before it answers:
   * this tab, and the other tabs (told first), then know the 4003 is this, not a revocation from elsewhere.
   */
  private async onPurpose<T>(reason: PurposefulEnd, call: () => Promise<T>): Promise<T> {
    this.endingOnPurpose = reason;
    this.rest.announceSigningOut(reason);
    try {
      return await call();
    } finally {
      this.endingOnPurpose = undefined;
    }
  }

  /** `tokens` are already the RestClient's (login or refresh). */
  private async startSession(tokens: TokenResponse): Promise<Session> {
    if (this.active) await this.close();
    this.rest.resumeRefresh();
    const device = await this.ensureDevice(tokens.user.id);
    const session: Session = { user: tokens.user, deviceId: device.deviceId, sessionId: tokens.sessionId };
    const cipher = new ProtocolV0({ deviceId: device.deviceId, privateKey: device.privateKey });
    const WebSocketCtor = this.WebSocketCtor;
    if (!WebSocketCtor) throw new Error('no WebSocket implementation: pass `WebSocket` (the ws package) in Node');
    const sendTimeoutMs = this.opts.sendTimeoutMs ?? 15_000;
    const socket: SocketClient = new SocketClient({
      baseUrl: this.opts.baseUrl,
      WebSocket: WebSocketCtor,
      deviceId: device.deviceId,
      getToken: (refused) => this.rest.accessToken(refused),
      onFrame: (frame) => this.onFrame(frame),
      onState: (s) => this.setState(s),
      onReady: (_frame, reconnect) => this.onReady(socket, reconnect),
      onFatal: (reason) => this.serverEndedSession(reason),
      sendTimeoutMs,
    });
    const sync = new MessageSync({
      session,
      api: this.api,
      peers: this.peers,
      cipher,
      conversation: (id) => this.conversationById(id),
      sendFrame: (frame) => socket.send(frame),
      emit: (m) => this.events.emit('message', m),
      ackTimeoutMs: sendTimeoutMs,
      ...(this.opts.historyPageSize ? { historyPageSize: this.opts.historyPageSize } : {}),
    });
    this.active = { session, socket, sync };
    socket.start();
    try {
      await socket.whenOpen(CONNECT_WAIT_MS);
    } catch {
      // Not fatal: the socket keeps retrying and 'connection' events report it; a fatal failure ends the session.
    }
    if (!this.active) throw new NotSignedInError();
    return session;
  }

  /**
   * This browser's device for the user: the stored one if the directory still knows it, otherwise a new key pair
   * registered with the directory and then saved (the private key never leaves the KeyStore).
   */
  private async ensureDevice(userId: string): Promise<DeviceKeys> {
    const stored = await this.opts.keyStore.loadDevice(userId);
    if (stored) {
      const published = toBase64Url(stored.publicKeyRaw);
      const devices = await this.peers.devices(userId, true);
      if (devices.some((d) => d.id === stored.deviceId && d.publicKey === published)) return stored;
    }
    const pair = await generateDeviceKeyPair();
    const device = await this.api.registerDevice(toBase64Url(pair.publicKeyRaw));
    const keys: DeviceKeys = { deviceId: device.id, privateKey: pair.privateKey, publicKeyRaw: pair.publicKeyRaw };
    await this.opts.keyStore.saveDevice(userId, keys);
    this.peers.forget(userId);
    return keys;
  }

  private async conversationById(id: string): Promise<Conversation | undefined> {
    if (!this.convs.has(id)) await this.conversations();
    return this.convs.get(id);
  }

  private onReady(socket: SocketClient, reconnect: boolean): void {
    if (this.watched.size) this.sendPresenceWatch(socket);
    if (!this.active) return;
    const readyAt = Date.now();
    const sync = this.active.sync;
    void (async () => {
      // Anything that happened while no socket delivered to us: new conversations (after a reconnect), then the
      // tail of every conversation we hold messages of. Even the first socket needs the latter: history may have
      // been loaded over REST before it became ready, and nothing delivered what came in between.
      if (reconnect) {
        try {
          await this.conversations();
        } catch {
          // Keep going with what we know; the next reconnect retries.
        }
      }
      const ids = new Set([...(reconnect ? this.convs.keys() : []), ...sync.knownConversations()]);
      await Promise.all([...ids].map((id) => sync.history(id).catch(() => undefined)));
      // Sends the lost socket may have swallowed: whatever the history sync did not find stored goes out again.
      if (this.active?.sync === sync) sync.resendUnacked(readyAt);
    })();
  }

  private onFrame(frame: ServerFrame): void {
    const sync = this.active?.sync;
    if (!sync) return;
    switch (frame.type) {
      case 'message':
        void sync.onMessage(frame.message).catch(() => undefined);
        break;
      case 'message.ack':
        void sync.onAck(frame).catch(() => undefined);
        break;
      case 'error':
        if (frame.ref) sync.onSendError(frame.ref, frame.code, frame.message, frame.retryAfterSeconds);
        break;
      case 'presence':
        this.presenceByUser.set(frame.presence.userId, frame.presence);
        this.events.emit('presence', frame.presence);
        break;
      case 'conversation.added':
        void this.conversations().catch(() => undefined);
        break;
      default:
        break;
    }
  }

  private sendPresenceWatch(socket: SocketClient): void {
    // The full set each time, capped at the frame's limit, so the server's view never depends on earlier frames.
    void socket.send({ type: 'presence.watch', userIds: [...this.watched].slice(0, 500) }).catch(() => undefined);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.emit('connection', state);
  }

  /** The server ended the session (socket closed with 4003, refresh refused, token refused). */
  private serverEndedSession(reason: SessionEndReason): void {
    if (!this.active) return;
    // Our own "log out everywhere" or account deletion may close our socket before its answer arrives, and so
    // may another tab's logout of this (shared) session: then that is why, not a revocation from elsewhere.
    if (this.endingOnPurpose) return this.signOut(this.endingOnPurpose, this.endingOnPurpose);
    const otherTab = this.rest.signOutInProgressElsewhere;
    if (otherTab) return this.signOut(`other-tab-${otherTab}`);
    this.signOut('session-ended', 'session-ended', reason);
  }

  /**
   * Forget everything of the session (not the device keys) and tell the UI. `announce`: tell this browser's
   * other tabs too (they share the session); `ended`: the server ended it, emitted as 'session-ended' first.
   */
  private signOut(reason: SignOutReason, announce?: TabSignOutReason, ended?: SessionEndReason): void {
    const active = this.active;
    if (!active) {
      this.rest.clearSession();
      return;
    }
    if (announce) this.rest.announceSignedOut(announce);
    this.active = undefined;
    active.sync.failAllPending(new NotConnectedError('signed out'));
    void active.socket.close();
    this.rest.clearSession();
    this.peers.clear();
    this.convs.clear();
    this.presenceByUser.clear();
    this.watched.clear();
    this.setState('closed');
    if (ended) this.events.emit('session-ended', { reason: ended });
    this.events.emit('signedOut', { reason });
  }
}
