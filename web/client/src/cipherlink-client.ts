import type { Conversation, PresenceState, PublicUser, SessionsResponse, TokenResponse } from '@cipherlink/proto';
import type { ScanResult, SenderKeyShare } from './crypto/v1';
import { checkAccount, restoreAccount, setUpAccount, type AccountDeps, type AccountKeys } from './e2ee/account';
import type { E2eeSession } from './e2ee/e2ee-session';
import { DeviceConnection, type ConnectionHost } from './device-connection';
import { recordNames } from './e2ee/records';
import { Emitter } from './emitter';
import { EncryptionNotReadyError, NotSignedInError } from './errors';
import { PeerDirectory } from './peer-directory';
import type { KeyStore } from './store/key-store';
import { ApiError } from './transport/api-error';
import { CipherLinkApi } from './transport/cipherlink-api';
import { RestClient } from './transport/rest-client';
import { NotConnectedError, type SocketClient, type SocketFatalReason } from './transport/socket-client';
import { browserTabSync, type BroadcastChannelLike, type LockManagerLike, type TabSignOutReason } from './transport/token-sync';
import type { WebSocketConstructor } from './transport/websocket-like';
import type {
  BackupStatus,
  ClientEvents,
  ConnectionState,
  DecryptedMessage,
  EncryptionState,
  OwnDevice,
  RoomMember,
  SafetyNumberView,
  SearchOptions,
  SearchResult,
  SecurityNotice,
  Session,
  SessionEndReason,
  SignInResult,
  SignOutReason,
  TrustState,
  Unsubscribe,
} from './types';

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
  /** How long after a sender-key change the key backup is uploaded. Default 2 s. */
  backupDebounceMs?: number;
  /**
   * How the tabs of one browser share refreshes and sign-outs (Web Locks + BroadcastChannel). Default: the
   * browser's, unless `cookieJar` is set (Node: nothing is shared). `false` turns it off.
   */
  tabSync?: { locks?: LockManagerLike; channel?: BroadcastChannelLike } | false;
}

/** The ways this client ends its own session on the server. */
type PurposefulEnd = 'logout' | 'logout-everywhere' | 'account-deleted';

interface ActiveSession {
  session: Session;
  encryption: EncryptionState;
  /** While encryption is ready. */
  live?: DeviceConnection;
}

/**
 * The CipherLink SDK: sign-in, this device's keys, conversations and rooms, end-to-end encrypted messages
 * (protocol v1: docs/protocol-v1.md; see web/client/V1_API.md) and presence. Runs in the browser and in Node 20.
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
  /** The browser's Web Locks (shared by the tabs, which share the KeyStore); none in Node. */
  private readonly locks: LockManagerLike | undefined;

  constructor(private readonly opts: CipherLinkClientOptions) {
    const tabSync = opts.tabSync === false ? {} : (opts.tabSync ?? (opts.cookieJar ? {} : browserTabSync()));
    this.locks = tabSync.locks;
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

  /** This device's end-to-end encryption state (see V1_API.md, section 1). */
  get encryptionState(): EncryptionState {
    return this.active?.encryption ?? 'idle';
  }

  // ---- account and sessions ----

  /** Create an account. Does not sign in. */
  register(username: string, password: string): Promise<PublicUser> {
    return this.api.register(username, password);
  }

  /**
   * Sign in. On the user's first sign-in ever this creates their keys and resolves with `recoveryKey` (show it
   * once). On a browser without the user's keys it resolves with `encryption: 'needs-restore'`.
   */
  async login(username: string, password: string): Promise<SignInResult> {
    const tokens = await this.api.login(username, password);
    return this.startSession(tokens);
  }

  /** After a page reload: use the refresh cookie. Null when not signed in. */
  async resume(): Promise<SignInResult | null> {
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
    await this.settleBackup(this.active);
    try {
      await this.onPurpose('logout', () => this.api.logout());
    } catch {
      // Signing out locally must work offline too; the server session then expires by itself.
    }
    this.signOut('logout', 'logout');
  }

  /** This user's signed-in sessions (this one first, marked `current`) and the latest security events. */
  async listSessions(): Promise<SessionsResponse> {
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
  async revokeOtherSessions(): Promise<number> {
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

  // ---- keys: restore, reset, backup ----

  /**
   * On a browser without the user's keys: open the key backup with the recovery key (as typed: spaces, dashes,
   * case and O/I/L are forgiven), register this device and import every backed-up sender key. Throws
   * InvalidRecoveryKeyError (typo), WrongBackupKeyError, NoKeyBackupError or BackupIdentityMismatchError, having
   * changed nothing.
   */
  restoreFromRecoveryKey(recoveryKey: string): Promise<void> {
    return this.restore({ recoveryKey });
  }

  /** Like `restoreFromRecoveryKey`, with the backup passphrase. Such a device cannot update the backup later. */
  restoreFromPassphrase(passphrase: string): Promise<void> {
    return this.restore({ passphrase });
  }

  /**
   * The user lost the recovery key: create a new identity key, backup and recovery key (returned: show it once).
   * Every other device of the user is removed, contacts see a changed safety number, and history this device does
   * not hold keys for becomes unreadable.
   */
  async resetIdentity(): Promise<{ recoveryKey: string }> {
    const active = this.requireSession();
    const userId = active.session.user.id;
    const shares = (await this.opts.keyStore.listRecords<SenderKeyShare>(userId, recordNames.sharePrefix)).map((r) => r.value);
    await this.stopEncrypted(active);
    const created = await setUpAccount(this.accountDeps(), userId, { senderKeys: shares });
    await this.startEncrypted(active, created.account);
    return { recoveryKey: created.recoveryKey };
  }

  /**
   * Add or change the passphrase (>= 15 characters) that opens the key backup besides the recovery key (PBKDF2,
   * 600,000 iterations). Only on a device that holds the recovery key (`backupStatus().canSetPassphrase`).
   */
  async setBackupPassphrase(passphrase: string): Promise<void> {
    const { e2ee } = this.requireEncrypted();
    if (!e2ee.backup.status.canSetPassphrase) throw new Error('this device cannot change the backup passphrase (it was restored with the passphrase; use a device that holds the recovery key)');
    await e2ee.backup.setPassphrase(passphrase);
  }

  /** The key backup as this device sees it. */
  backupStatus(): BackupStatus {
    const e2ee = this.active?.live?.e2ee;
    return e2ee ? e2ee.backup.status : { version: null, uploading: false, canUpdate: false, canSetPassphrase: false, hasPassphrase: false };
  }

  /** Upload pending backup changes now (normally debounced) and wait for it. */
  async flushBackup(): Promise<void> {
    return this.requireEncrypted().e2ee.backup.flush();
  }

  /** This user's devices (certified under the identity key this device holds). */
  async devices(): Promise<OwnDevice[]> {
    return this.requireEncrypted().e2ee.devices();
  }

  /** Remove another device of this user: it is signed out of end-to-end encryption and gets no new keys. */
  async removeDevice(deviceId: string): Promise<void> {
    const { e2ee } = this.requireEncrypted();
    if (deviceId.toLowerCase() === e2ee.account.device.deviceId) throw new Error('remove this device by signing out and clearing the browser');
    await this.api.removeDevice(deviceId);
    e2ee.directory.invalidateUser(e2ee.account.userId);
  }

  // ---- trust ----

  /** The safety number of this user and `userId` (compare it in person, or scan the QR payload). */
  async safetyNumber(userId: string): Promise<SafetyNumberView> {
    return this.requireEncrypted().e2ee.safetyNumber(userId);
  }

  /** Compare a QR payload scanned from the contact's screen with ours. */
  async compareSafetyNumberQr(userId: string, scanned: Uint8Array): Promise<ScanResult> {
    return this.requireEncrypted().e2ee.compareSafetyNumberQr(userId, scanned);
  }

  /** The user compared safety numbers: mark the contact's key (the one last shown) verified. */
  async markVerified(userId: string): Promise<void> {
    return this.requireEncrypted().e2ee.markVerified(userId);
  }

  async unmarkVerified(userId: string): Promise<void> {
    return this.requireEncrypted().e2ee.unmarkVerified(userId);
  }

  async isVerified(userId: string): Promise<boolean> {
    return (await this.trustOf(userId)) === 'verified';
  }

  async trustOf(userId: string): Promise<TrustState> {
    return this.requireEncrypted().e2ee.trustOf(userId);
  }

  /** Accept a contact's new identity key (their safety number changed); unblocks sending to a verified contact. */
  async acceptIdentityChange(userId: string): Promise<void> {
    return this.requireEncrypted().e2ee.acceptIdentityChange(userId);
  }

  /** "Safety number changed" notices of a conversation's members, until accepted. */
  async securityNotices(conversationId: string): Promise<SecurityNotice[]> {
    const { e2ee } = this.requireEncrypted();
    const conv = await this.conversationById(conversationId.toLowerCase());
    const members = new Set((conv?.members ?? []).map((m) => m.id.toLowerCase()));
    return (await e2ee.trust.pendingChanges()).filter((p) => members.has(p.userId)).map((p) => ({ userId: p.userId, kind: 'identity-changed', at: p.at }));
  }

  // ---- conversations and rooms ----

  /** The user with this username, or null. */
  async findUser(username: string): Promise<PublicUser | null> {
    this.requireSession();
    return this.api.userByName(username);
  }

  /** Open (or get) the DM with a user. */
  async openDm(peerUserId: string): Promise<Conversation> {
    this.requireSession();
    return this.remember(await this.api.openDm(peerUserId));
  }

  /** The user's conversations (DMs and rooms), fresh from the server; also emitted as 'conversations'. */
  async conversations(): Promise<Conversation[]> {
    this.requireSession();
    const list = await this.api.conversations();
    const before = [...this.convs.keys()];
    this.convs.clear();
    for (const c of list) this.convs.set(c.id.toLowerCase(), c);
    // Gone from the list (removed while this client was offline, or deleted): not searchable any more.
    for (const id of before) if (!this.convs.has(id)) this.active?.live?.sync.search.removeConversation(id);
    this.events.emit('conversations', list);
    return list;
  }

  /** Create a room; the caller is its only member and admin. */
  async createRoom(name: string): Promise<Conversation> {
    this.requireSession();
    return this.remember(await this.api.createRoom(name));
  }

  /** Add a user (by id or username) to a room (admins only). */
  async addMember(conversationId: string, user: string): Promise<Conversation> {
    this.requireSession();
    let userId = user;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(user)) {
      const found = await this.api.userByName(user);
      if (!found) throw new ApiError(404, 'not_found', 'user not found');
      userId = found.id;
    }
    this.active?.live?.e2ee.directory.invalidateConversation(conversationId);
    return this.remember(await this.api.addRoomMember(conversationId, userId));
  }

  /** Remove a member from a room (admins; removing yourself is leaving). */
  async removeMember(conversationId: string, userId: string): Promise<void> {
    const active = this.requireSession();
    await this.api.removeRoomMember(conversationId, userId);
    if (userId.toLowerCase() === active.session.user.id.toLowerCase()) await this.leftConversation(conversationId);
    else {
      active.live?.e2ee.directory.invalidateConversation(conversationId);
      await this.conversations().catch(() => undefined);
    }
  }

  /** Make a member a room admin (admins only). */
  async makeAdmin(conversationId: string, userId: string): Promise<Conversation> {
    this.requireSession();
    return this.remember(await this.api.makeRoomAdmin(conversationId, userId));
  }

  /** Leave a room: this device forgets its keys for it. */
  async leaveRoom(conversationId: string): Promise<void> {
    return this.removeMember(conversationId, this.requireSession().session.user.id);
  }

  /** A conversation's members with roles, trust and devices (each certificate verified). */
  async listMembers(conversationId: string): Promise<RoomMember[]> {
    return this.requireEncrypted().e2ee.listMembers(conversationId);
  }

  // ---- messages ----

  /**
   * Every message of a conversation this client can know of, decrypted, deduplicated, sorted by seq (pending
   * last). Fetches only what came after the last seq already held; new messages are also emitted as 'message'.
   */
  async history(conversationId: string): Promise<DecryptedMessage[]> {
    return this.requireEncrypted().sync.history(conversationId);
  }

  /**
   * Encrypt and send a text (optionally a reply: its start is quoted). Emits 'message' with status 'pending' at
   * once; resolves with status 'sent' and its seq when the server acknowledges; rejects (and emits status
   * 'failed') on an error frame, when the socket does not open in time, or when no ack arrives in time. Throws
   * before anything is shown when a verified contact's identity changed (UntrustedIdentityError).
   */
  async sendText(conversationId: string, text: string, opts: { replyTo?: string } = {}): Promise<DecryptedMessage> {
    return this.requireEncrypted().sync.sendText(conversationId, text, opts);
  }

  /** Toggle the user's reaction (or set it explicitly with `remove`); resolves with the message as shown. */
  async react(messageId: string, emoji: string, opts: { remove?: boolean } = {}): Promise<DecryptedMessage> {
    const { sync } = this.requireEncrypted();
    return sync.react(messageId, emoji, opts.remove ?? sync.hasMyReaction(messageId, emoji));
  }

  /** Replace the text of one of the user's own messages. */
  async edit(messageId: string, text: string): Promise<DecryptedMessage> {
    return this.requireEncrypted().sync.edit(messageId, text);
  }

  /** Delete one of the user's own messages for everyone. */
  async deleteMessage(messageId: string): Promise<DecryptedMessage> {
    return this.requireEncrypted().sync.deleteMessage(messageId);
  }

  /**
   * Search the texts this device has decrypted and shows in this session (history loaded, messages received), on
   * this device only: every word of `query` must start a word of the message (case and accents ignored). Newest
   * first, at most `limit` (default 50), optionally in one conversation. Empty when signed out or not ready.
   */
  search(query: string, options: SearchOptions = {}): SearchResult[] {
    return this.active?.live?.sync.search.query(query, options) ?? [];
  }

  // ---- presence ----

  /** Receive presence changes of these users (added to the watched set; survives reconnects). */
  watchPresence(userIds: string[]): void {
    for (const id of userIds) this.watched.add(id);
    const socket = this.active?.live?.socket;
    if (socket?.state === 'open') this.sendPresenceWatch(socket);
  }

  /** Last known presence of a watched user. */
  presence(userId: string): PresenceState | undefined {
    return this.presenceByUser.get(userId);
  }

  /** Disconnect and stop; the server session stays (use logout to end it). */
  async close(): Promise<void> {
    const active = this.active;
    if (active) await this.settleBackup(active);
    this.active = undefined;
    this.rest.pauseRefresh();
    if (active) await this.stopEncrypted(active, new NotConnectedError('client closed'));
    this.setState('closed');
  }

  // ---- internals ----

  /** A pending (debounced) backup upload goes out before the session ends, if it can within a few seconds. */
  private async settleBackup(active: ActiveSession): Promise<void> {
    const live = active.live;
    if (!live) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([live.e2ee.backup.flush().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 3_000)))]);
    clearTimeout(timer);
  }

  private requireSession(): ActiveSession {
    if (!this.active) throw new NotSignedInError();
    return this.active;
  }

  private requireEncrypted(): DeviceConnection {
    const active = this.requireSession();
    if (!active.live) throw new EncryptionNotReadyError(active.encryption);
    return active.live;
  }

  private accountDeps(): AccountDeps {
    return { api: this.api, store: this.opts.keyStore };
  }

  private remember(conv: Conversation): Conversation {
    this.convs.set(conv.id.toLowerCase(), conv);
    this.events.emit('conversations', [...this.convs.values()]);
    return conv;
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

  /** `tokens` are already the RestClient's (login or refresh). Sets up, loads or defers this device's keys. */
  private async startSession(tokens: TokenResponse): Promise<SignInResult> {
    if (this.active) await this.close();
    this.rest.resumeRefresh();
    const userId = tokens.user.id;
    const check = await checkAccount(this.accountDeps(), userId);
    let account: AccountKeys | undefined;
    let recoveryKey: string | undefined;
    if (check.state === 'needs-setup') ({ account, recoveryKey } = await setUpAccount(this.accountDeps(), userId));
    else if (check.state === 'ready') account = check.account;
    const active: ActiveSession = {
      session: { user: tokens.user, deviceId: '', sessionId: tokens.sessionId },
      encryption: check.state === 'device-removed' || check.state === 'needs-restore' ? check.state : 'idle',
    };
    this.active = active;
    if (account) await this.startEncrypted(active, account);
    else this.events.emit('encryption', { state: active.encryption });
    if (this.active !== active) throw new NotSignedInError();
    return { ...active.session, encryption: active.encryption, ...(recoveryKey !== undefined ? { recoveryKey } : {}) };
  }

  private async restore(secret: { recoveryKey: string } | { passphrase: string }): Promise<void> {
    const active = this.requireSession();
    if (active.live) throw new Error('this device already holds the keys');
    const restored = await restoreAccount(this.accountDeps(), active.session.user.id, secret);
    await this.startEncrypted(active, restored.account, {
      restored: true,
      beforeConnect: async (e2ee) => {
        await e2ee.importShares(restored.senderKeys);
      },
    });
  }

  /** Start everything that needs this device's keys: the e2ee session, the socket, the message sync. */
  private async startEncrypted(active: ActiveSession, account: AccountKeys, opts: { restored?: boolean; beforeConnect?: (e2ee: E2eeSession) => Promise<void> } = {}): Promise<void> {
    const WebSocketCtor = this.WebSocketCtor;
    if (!WebSocketCtor) throw new Error('no WebSocket implementation: pass `WebSocket` (the ws package) in Node');
    const session: Session = { ...active.session, deviceId: account.device.deviceId };
    active.session = session;
    const live = await DeviceConnection.open({
      api: this.api,
      store: this.opts.keyStore,
      peers: this.peers,
      baseUrl: this.opts.baseUrl,
      WebSocket: WebSocketCtor,
      getToken: (refused) => this.rest.accessToken(refused),
      account,
      session,
      host: this.hostFor(active),
      ...(this.locks ? { lock: this.locks.request.bind(this.locks) } : {}),
      sendTimeoutMs: this.opts.sendTimeoutMs ?? 15_000,
      ...(this.opts.historyPageSize ? { historyPageSize: this.opts.historyPageSize } : {}),
      ...(this.opts.backupDebounceMs !== undefined ? { backupDebounceMs: this.opts.backupDebounceMs } : {}),
      ...(opts.restored ? { requestKeysOnReady: true } : {}),
      ...(opts.beforeConnect ? { beforeConnect: opts.beforeConnect } : {}),
    });
    if (this.active !== active) {
      await live.close();
      throw new NotSignedInError();
    }
    active.live = live;
    this.setEncryption(active, 'ready');
  }

  /** What a device connection of `active` may use of this client; inert once that session is over. */
  private hostFor(active: ActiveSession): ConnectionHost {
    const current = () => this.active === active;
    return {
      events: this.events,
      refreshConversations: () => (current() ? this.conversations() : Promise.resolve()),
      conversationIds: () => [...this.convs.keys()],
      conversationById: (id) => this.conversationById(id.toLowerCase()),
      sharedConversations: (userId) =>
        [...this.convs.values()].filter((c) => c.members.some((m) => m.id.toLowerCase() === userId.toLowerCase())).map((c) => c.id),
      presence: (p) => {
        this.presenceByUser.set(p.userId, p);
        this.events.emit('presence', p);
      },
      socketReady: (socket) => {
        if (this.watched.size) this.sendPresenceWatch(socket);
      },
      setState: (s) => current() && this.setState(s),
      socketEnded: (reason) => current() && this.socketEnded(active, reason),
      deviceRemoved: () => void this.deviceRemoved(active),
      leftConversation: (conv) => void this.leftConversation(conv),
    };
  }

  private async stopEncrypted(active: ActiveSession, err: Error = new NotConnectedError('signed out')): Promise<void> {
    const live = active.live;
    if (!live) return;
    active.live = undefined;
    live.sync.search.clear();
    await live.close(err);
  }

  private setEncryption(active: ActiveSession, state: EncryptionState): void {
    if (active.encryption === state) return;
    active.encryption = state;
    if (this.active === active) this.events.emit('encryption', { state });
  }

  /** This device is no longer part of the account (removed, or the identity was reset elsewhere). */
  private async deviceRemoved(active: ActiveSession): Promise<void> {
    if (this.active !== active || !active.live) return;
    await this.stopEncrypted(active, new NotConnectedError('this device was removed'));
    active.session = { ...active.session, deviceId: '' };
    this.setEncryption(active, 'device-removed');
    this.setState('closed');
  }

  private async leftConversation(conversationId: string): Promise<void> {
    const conv = conversationId.toLowerCase();
    const live = this.active?.live;
    if (live) {
      live.sync.forget(conv);
      await live.e2ee.keys.dropConversation(conv).catch(() => undefined);
    }
    if (this.convs.delete(conv)) this.events.emit('conversations', [...this.convs.values()]);
  }

  private async conversationById(id: string): Promise<Conversation | undefined> {
    if (!this.convs.has(id)) await this.conversations();
    return this.convs.get(id);
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

  private socketEnded(active: ActiveSession, reason: SocketFatalReason): void {
    if (reason === 'device-removed') void this.deviceRemoved(active);
    else this.serverEndedSession(reason);
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
    void this.stopEncrypted(active);
    this.rest.clearSession();
    this.peers.clear();
    this.convs.clear();
    this.presenceByUser.clear();
    this.watched.clear();
    this.setState('closed');
    this.events.emit('encryption', { state: 'idle' });
    if (ended) this.events.emit('session-ended', { reason: ended });
    this.events.emit('signedOut', { reason });
  }
}
