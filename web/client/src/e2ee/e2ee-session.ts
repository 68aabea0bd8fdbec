import type { ClientFrame, Conversation, Envelope, ServerFrame, StoredMessage } from '@cipherlink/proto';
import { fromBase64Url } from '../crypto';
import { compareScannedSafetyNumber, computeSafetyNumber, type MessagePayload, type ScanResult, type SenderKeyShare } from '../crypto/v1';
import type { PeerDirectory } from '../peer-directory';
import type { KeyStore } from '../store/key-store';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import { KeyFrames } from '../transport/key-frames';
import type { BackupStatus, OwnDevice, RoomMember, SafetyNumberView, TrustState } from '../types';
import type { AccountKeys } from './account';
import { BackupSync } from './backup-sync';
import { KeyDirectory } from './key-directory';
import { KeyInbox } from './key-inbox';
import { LegacyV0Reader } from './legacy-v0';
import { decryptManyV1, decryptV1, KEYS_UNAVAILABLE, type DecryptOutcome, type MessageCrypto } from './message-crypto';
import { OutboundSessions } from './outbound';
import { SenderKeys } from './sender-keys';
import { currentKeyOf, trustStateOf, type TrustEvent } from './trust';
import { TrustBook } from './trust-book';

export interface E2eeEvents {
  /** A contact's identity key changed (or a change was undone). */
  identity: (userId: string, event: TrustEvent, blocked: boolean) => void;
  backup: (status: BackupStatus) => void;
  /** A sender key of this conversation is now held: decrypt again what waited for it. */
  keyArrived: (conversationId: string) => void;
  /** This device was removed from the account, or the user's identity was reset on another device. */
  deviceRemoved: () => void;
  /** The local user is no longer a member of this conversation. */
  leftConversation: (conversationId: string) => void;
  /** Membership of a conversation changed (refresh the list). */
  membershipChanged: (conversationId: string) => void;
}

export interface E2eeSessionDeps {
  api: CipherLinkApi;
  store: KeyStore;
  account: AccountKeys;
  sendFrame: (frame: ClientFrame) => Promise<void>;
  /** For reading v0 history. */
  peers: PeerDirectory;
  conversation: (id: string) => Promise<Conversation | undefined>;
  events: E2eeEvents;
  backupDebounceMs?: number;
  /** Exclusive across the tabs of this browser (Web Locks), which share the KeyStore. */
  lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
}

/** Wait this long before fetching missed key packages after a message whose key is missing (they come in bursts). */
const MISSING_KEY_FETCH_DELAY_MS = 300;
/** Ask our other devices for keys of one conversation at most this often. */
const KEY_REQUEST_INTERVAL_MS = 30_000;
/** Read the key backup for missing keys at most this often (another device of the user may have added them). */
const BACKUP_PULL_INTERVAL_MS = 30_000;


/**
 * End-to-end encryption of one signed-in device with protocol v1: owns the trust book, the key directory, the
 * sender keys (inbound ring, outbound epochs), the key inbox, the backup sync and the v0 history reader, and
 * implements MessageCrypto for MessageSync. Created once the device's account keys are ready.
 */
export class E2eeSession implements MessageCrypto {
  readonly trust: TrustBook;
  readonly directory: KeyDirectory;
  readonly keys: SenderKeys;
  readonly outbound: OutboundSessions;
  readonly inbox: KeyInbox;
  readonly backup: BackupSync;
  readonly keyFrames: KeyFrames;
  private readonly legacy: LegacyV0Reader;
  private readonly lastSafetyKey = new Map<string, string>();
  private readonly keyRequestedAt = new Map<string, number>();
  private fetchTimer: ReturnType<typeof setTimeout> | undefined;
  private lastBackupPull = 0;
  private backupChecked = false;
  private stopped = false;

  private constructor(private readonly deps: E2eeSessionDeps) {
    const { api, store, account, events } = deps;
    this.trust = new TrustBook(store, account.userId, (userId, event, record) => events.identity(userId, event, record.pending?.wasVerified === true));
    this.directory = new KeyDirectory({ api, trust: this.trust, self: { userId: account.userId, identityPublicKeyRaw: account.identity.publicKeyRaw } });
    this.keys = new SenderKeys(store, account.userId);
    this.keyFrames = new KeyFrames({ sendFrame: deps.sendFrame });
    this.backup = new BackupSync({
      api,
      store,
      account,
      keys: this.keys,
      emit: events.backup,
      onImported: (share) => events.keyArrived(share.conversationId),
      debounceMs: deps.backupDebounceMs,
    });
    const onNewShare = () => this.backup.schedule();
    this.outbound = new OutboundSessions({
      account,
      keys: this.keys,
      directory: this.directory,
      distribute: (conv, epoch, packages) => this.keyFrames.distribute(conv, epoch, packages),
      onNewShare,
      ...(deps.lock ? { lock: deps.lock } : {}),
    });
    this.inbox = new KeyInbox({
      api,
      store,
      account,
      directory: this.directory,
      keys: this.keys,
      onShare: (share) => {
        onNewShare();
        events.keyArrived(share.conversationId);
      },
    });
    this.legacy = new LegacyV0Reader({ store, userId: account.userId, peers: deps.peers, conversation: deps.conversation });
  }

  /** Build the session and load the stored sender keys. */
  static async start(deps: E2eeSessionDeps): Promise<E2eeSession> {
    const session = new E2eeSession(deps);
    await session.keys.load();
    return session;
  }

  get account(): AccountKeys {
    return this.deps.account;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.fetchTimer);
    this.backup.stop();
    this.keyFrames.failAll();
  }

  // ---- MessageCrypto ----

  async checkCanSend(conversationId: string): Promise<void> {
    await this.outbound.checkCanSend(conversationId);
  }

  encrypt(conversationId: string, messageId: string, payload: MessagePayload): Promise<Envelope> {
    return this.outbound.encrypt(conversationId, messageId, payload);
  }

  async decrypt(stored: StoredMessage): Promise<DecryptOutcome> {
    if (stored.envelope.v === 0) return this.legacy.decrypt(stored);
    return decryptV1(this.keys.ring, stored, (m) => this.missingKey(m));
  }

  /** The v1 messages go through decryptHistory together; v0 (legacy) ones one by one, as in `decrypt`. */
  async decryptMany(stored: readonly StoredMessage[]): Promise<DecryptOutcome[]> {
    const v1 = await decryptManyV1(
      this.keys.ring,
      stored.filter((m) => m.envelope.v !== 0),
      (m) => this.missingKey(m),
    );
    let next = 0;
    return Promise.all(stored.map((m) => (m.envelope.v === 0 ? this.legacy.decrypt(m).catch(() => KEYS_UNAVAILABLE) : v1[next++]!)));
  }

  // ---- frames ----

  /** Handle a protocol v1 frame; returns false for frames that are not about keys. */
  onFrame(frame: ServerFrame): boolean {
    if (this.keyFrames.onFrame(frame)) return true;
    const me = this.account.userId;
    switch (frame.type) {
      case 'keys.package':
        void this.inbox.receive(frame.package).catch(() => undefined);
        return true;
      case 'keys.requested':
        void this.answerKeyRequest(frame.requesterDeviceId, frame.conversationIds).catch(() => undefined);
        return true;
      case 'user.devices-changed':
        this.directory.invalidateUser(frame.userId);
        if (frame.userId.toLowerCase() === me && frame.change === 'removed' && frame.deviceId.toLowerCase() === this.account.device.deviceId) {
          this.deps.events.deviceRemoved();
        }
        return true;
      case 'user.identity-changed':
        this.directory.invalidateUser(frame.userId);
        void this.identityChanged(frame.userId).catch(() => undefined);
        return true;
      case 'conversation.membership':
        this.directory.invalidateConversation(frame.conversationId);
        if (frame.change === 'removed' && frame.userId.toLowerCase() === me) void this.leave(frame.conversationId).catch(() => undefined);
        else this.deps.events.membershipChanged(frame.conversationId);
        return true;
      default:
        return false;
    }
  }

  /** The socket is (again) ready: keys may have changed meanwhile; fetch the key packages missed. */
  async onReady(): Promise<void> {
    this.directory.invalidateAll();
    await this.inbox.fetchMissed();
    if (!this.backupChecked) {
      // Keys received in an earlier session whose upload never ran (the page closed within the debounce delay).
      this.backupChecked = true;
      this.backup.schedule();
    }
  }

  /** Ask this user's other devices for their keys of these conversations (after a restore). */
  requestKeys(conversationIds: string[]): Promise<void> {
    if (!conversationIds.length) return Promise.resolve();
    const now = Date.now();
    for (const c of conversationIds) this.keyRequestedAt.set(c.toLowerCase(), now);
    return this.keyFrames.request(conversationIds.map((c) => c.toLowerCase()));
  }

  /** Hold the sender keys of a backup (after a restore); returns the conversations they cover. */
  async importShares(shares: SenderKeyShare[]): Promise<string[]> {
    const convs = new Set<string>();
    for (const share of shares) {
      try {
        if (await this.keys.addShare(share)) convs.add(share.conversationId.toLowerCase());
      } catch {
        // One damaged share must not stop the others.
      }
    }
    return [...convs];
  }

  /** This user left or was removed: forget the conversation's keys. */
  async leave(conversationId: string): Promise<void> {
    await this.keys.dropConversation(conversationId);
    this.deps.events.leftConversation(conversationId.toLowerCase());
  }

  // ---- trust ----

  async safetyNumber(userId: string): Promise<SafetyNumberView> {
    const keys = await this.directory.user(userId, true);
    if (!keys.trust) throw new Error(keys.userId === this.account.userId ? 'a safety number is between two users' : 'this user has no identity key yet');
    const key = currentKeyOf(keys.trust);
    const sn = await computeSafetyNumber(
      { userId: this.account.userId, identityPublicKey: this.account.identity.publicKeyRaw },
      { userId: keys.userId, identityPublicKey: fromBase64Url(key) },
    );
    this.lastSafetyKey.set(keys.userId, key);
    return { digits: sn.digits, groups: sn.groups, qrPayload: sn.qrPayload };
  }

  async compareSafetyNumberQr(userId: string, scanned: Uint8Array): Promise<ScanResult> {
    const keys = await this.directory.user(userId, true);
    if (!keys.trust) return 'mismatch';
    const sn = await computeSafetyNumber(
      { userId: this.account.userId, identityPublicKey: this.account.identity.publicKeyRaw },
      { userId: keys.userId, identityPublicKey: fromBase64Url(currentKeyOf(keys.trust)) },
    );
    return compareScannedSafetyNumber(sn, scanned);
  }

  /** Mark the key the last safety number was computed over (or the current one) as verified. */
  async markVerified(userId: string): Promise<void> {
    const id = userId.toLowerCase();
    let key = this.lastSafetyKey.get(id);
    if (!key) {
      const keys = await this.directory.user(id, true);
      if (!keys.trust) throw new Error('this user has no identity key yet');
      key = currentKeyOf(keys.trust);
    }
    await this.trust.markVerified(id, key);
    this.directory.invalidateUser(id);
  }

  async unmarkVerified(userId: string): Promise<void> {
    await this.trust.unmarkVerified(userId);
    this.directory.invalidateUser(userId);
  }

  async acceptIdentityChange(userId: string): Promise<void> {
    await this.directory.user(userId, true);
    await this.trust.accept(userId);
    this.directory.invalidateUser(userId);
  }

  async trustOf(userId: string): Promise<TrustState> {
    return trustStateOf(await this.trust.get(userId));
  }

  // ---- listings ----

  async listMembers(conversationId: string): Promise<RoomMember[]> {
    const members = await this.directory.members(conversationId, true);
    return members.members.map((m) => {
      const ok = new Set(m.devices.map((d) => d.deviceId));
      return {
        userId: m.userId,
        username: m.username,
        role: m.role,
        joinedAt: m.joinedAt,
        trust: m.userId === this.account.userId ? 'verified' : trustStateOf(m.trust),
        devices: m.listed.map((d) => ({
          deviceId: d.deviceId.toLowerCase(),
          verified: ok.has(d.deviceId.toLowerCase()),
          certifiedAt: d.certifiedAt,
          current: d.deviceId.toLowerCase() === this.account.device.deviceId,
        })),
      };
    });
  }

  async devices(): Promise<OwnDevice[]> {
    const keys = await this.directory.user(this.account.userId, true);
    const ok = new Set(keys.devices.map((d) => d.deviceId));
    return keys.listed
      .filter((d) => ok.has(d.deviceId.toLowerCase()))
      .map((d) => ({ deviceId: d.deviceId.toLowerCase(), certifiedAt: d.certifiedAt, current: d.deviceId.toLowerCase() === this.account.device.deviceId }));
  }

  // ---- internals ----

  /**
   * A message whose sender key we do not hold: fetch key packages we may have missed, read the key backup (another
   * device of the user may have put the key there since), and when one of our own other devices sent it, ask our
   * devices for their keys of the conversation (other users' keys come only from them, by distribution).
   */
  private missingKey(stored: StoredMessage): void {
    if (this.stopped) return;
    if (!this.fetchTimer) {
      this.fetchTimer = setTimeout(() => {
        this.fetchTimer = undefined;
        void this.inbox.fetchMissed().catch(() => undefined);
        if (Date.now() - this.lastBackupPull > BACKUP_PULL_INTERVAL_MS) {
          this.lastBackupPull = Date.now();
          void this.backup.pull().catch(() => undefined);
        }
      }, MISSING_KEY_FETCH_DELAY_MS);
    }
    if (stored.senderDeviceId.toLowerCase() === this.account.device.deviceId) {
      // Sent by this device from another tab: its share is in the key store the tabs share, never distributed to us.
      void this.keys
        .reloadConversation(stored.conversationId)
        .then((added) => {
          if (added.length > 0 && !this.stopped) this.deps.events.keyArrived(stored.conversationId);
        })
        .catch(() => undefined);
    }
    if (stored.senderUserId.toLowerCase() === this.account.userId) {
      const conv = stored.conversationId.toLowerCase();
      if (Date.now() - (this.keyRequestedAt.get(conv) ?? 0) > KEY_REQUEST_INTERVAL_MS) void this.requestKeys([conv]).catch(() => undefined);
    }
  }

  /**
   * `keys.requested` from another device of this user: answer only a device whose certificate verifies under the
   * identity key this device holds (never the directory's word alone), with our own sender keys.
   */
  private async answerKeyRequest(requesterDeviceId: string, conversationIds: string[]): Promise<void> {
    const requester = await this.directory.device(this.account.userId, requesterDeviceId);
    if (!requester || requester.deviceId === this.account.device.deviceId) return;
    await this.outbound.shareWithOwnDevice(requester, conversationIds);
  }

  private async identityChanged(userId: string): Promise<void> {
    const keys = await this.directory.user(userId, true);
    if (keys.userId === this.account.userId && keys.identityKey !== null && keys.devices.every((d) => d.deviceId !== this.account.device.deviceId)) {
      // Our identity was replaced elsewhere: this device's certificate speaks for nobody any more.
      this.deps.events.deviceRemoved();
    }
  }
}
