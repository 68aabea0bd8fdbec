import type { KeyPackageUpload } from '@cipherlink/proto';
import { OutboundSenderKey, rotationDecision, sealSenderKeyDistribution, type EnvelopeV1, type MessagePayload, type VerifiedDevice } from '../crypto/v1';
import { UntrustedIdentityError } from '../errors';
import { KeyedSerial } from '../keyed-serial';
import { NoDeviceError } from '../peer-directory';
import type { AccountKeys } from './account';
import type { KeyDirectory, VerifiedMembers } from './key-directory';
import type { OutboundState, SenderKeys } from './sender-keys';
import { isBlocked } from './trust';

/** Upload packages for one conversation and epoch (the `keys.distribute` frame); resolves once they are stored. */
export type Distribute = (conversationId: string, epoch: number, packages: KeyPackageUpload[]) => Promise<void>;

export interface OutboundDeps {
  account: AccountKeys;
  keys: SenderKeys;
  directory: KeyDirectory;
  distribute: Distribute;
  /** A sender key share was added (the backup should be updated). */
  onNewShare: () => void;
  /**
   * Run `fn` exclusively across the tabs of this browser (Web Locks), which share the KeyStore: two tabs must never
   * encrypt from the same stored chain position. Absent in Node (one client per key store).
   */
  lock?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  now?: () => number;
}

/**
 * This device's sending side: per conversation, one sender key at a time, replaced by a new epoch when
 * `rotationDecision` says so (membership or device set changed, 1000 messages, 7 days), when the membership version
 * moved, or when the last distribution did not finish. A new epoch's share goes to every verified device of every
 * current member (the user's own other devices included) and is stored before the first message under it is
 * encrypted. One conversation's sends run one at a time, so chain indices are persisted in order.
 */
export class OutboundSessions {
  private readonly serial = new KeyedSerial();

  constructor(private readonly deps: OutboundDeps) {}

  /**
   * Throws UntrustedIdentityError when a member's verified identity key changed (nothing may be sent until the user
   * accepts it), NoDeviceError when the other member of a DM has no verified device (nobody could read it).
   */
  async checkCanSend(conversationId: string): Promise<VerifiedMembers> {
    const members = await this.deps.directory.members(conversationId);
    const blocked = members.members.filter((m) => isBlocked(m.trust)).map((m) => m.userId);
    if (blocked.length) throw new UntrustedIdentityError(blocked);
    if (members.kind === 'dm') {
      const peer = members.members.find((m) => m.userId !== this.deps.account.userId);
      if (peer && peer.devices.length === 0) throw new NoDeviceError('this user has no verified device yet; they need to sign in once');
    }
    return members;
  }

  /** Encrypt one payload for the conversation, starting (and distributing) a new epoch first when needed. */
  encrypt(conversationId: string, messageId: string, payload: MessagePayload): Promise<Required<EnvelopeV1>> {
    const conv = conversationId.toLowerCase();
    const lock = this.deps.lock ?? ((_name, fn) => fn());
    return this.serial.run(conv, () => lock(`cipherlink-outbound-${conv}`, () => this.encryptExclusive(conv, messageId, payload)));
  }

  private async encryptExclusive(conv: string, messageId: string, payload: MessagePayload): Promise<Required<EnvelopeV1>> {
    const members = await this.checkCanSend(conv);
    const current = memberDevices(members);
    let state = await this.deps.keys.loadOutbound(conv);
    // A key of an earlier device of this browser (before a reset or a restore) is not this device's to use.
    if (state && state.record.senderDeviceId !== this.deps.account.device.deviceId) state = undefined;
    let key: OutboundSenderKey | undefined;
    const now = this.deps.now?.() ?? Date.now();
    const stale =
      !state ||
      !state.distributed ||
      state.membershipVersion !== members.membershipVersion ||
      rotationDecision({ createdAt: state.record.createdAt, messagesSent: state.record.chain.index - state.record.startIndex, distributedTo: state.distributedTo }, current, now)
        .rotate;
    if (stale || !state) {
      ({ state, key } = await this.startEpoch(conv, members, current, state, now));
    }
    key ??= OutboundSenderKey.restore(state.record);
    const envelope = await key.encrypt(messageId, payload);
    await this.deps.keys.saveOutbound({ ...state, record: key.record() });
    return envelope;
  }

  /**
   * Another device of this user (`requester`, verified under our identity key by the caller) asks for our keys of
   * these conversations: send it the earliest share of each of our epochs there, so it reads what we sent.
   */
  async shareWithOwnDevice(requester: VerifiedDevice, conversationIds: string[]): Promise<void> {
    const { account, keys } = this.deps;
    for (const conv of conversationIds) {
      for (const share of keys.sharesOf(conv, account.device.deviceId)) {
        try {
          const blob = await sealSenderKeyDistribution(share, account.device, requester);
          await this.deps.distribute(share.conversationId, share.epoch, [{ recipientDeviceId: requester.deviceId, blob }]);
        } catch {
          // Best effort: a conversation we are no longer in is refused; the requester still has the backup.
        }
      }
    }
  }

  private async startEpoch(
    conv: string,
    members: VerifiedMembers,
    current: Map<string, Set<string>>,
    previous: OutboundState | undefined,
    now: number,
  ): Promise<{ state: OutboundState; key: OutboundSenderKey }> {
    const { account, keys } = this.deps;
    const epoch = previous ? previous.record.epoch + 1 : 0;
    const key = await OutboundSenderKey.create({ conversationId: conv, epoch, senderDeviceId: account.device.deviceId, senderUserId: account.userId, now });
    const distributedTo = Object.fromEntries([...current].map(([user, devices]) => [user, [...devices]]));
    const state: OutboundState = { v: 1, conversationId: conv, record: key.record(), distributedTo, membershipVersion: members.membershipVersion, distributed: false };
    // The epoch number is spent from here on, whatever happens next.
    await keys.saveOutbound(state);
    const share = key.share();
    await keys.addShare(share, { member: true });
    const recipients = members.members.flatMap((m) => m.devices).filter((d) => d.deviceId !== account.device.deviceId);
    const packages = await Promise.all(
      recipients.map(async (d) => ({ recipientDeviceId: d.deviceId, blob: await sealSenderKeyDistribution(share, account.device, d) })),
    );
    if (packages.length) await this.deps.distribute(conv, epoch, packages);
    const done: OutboundState = { ...state, distributed: true };
    await keys.saveOutbound(done);
    this.deps.onNewShare();
    return { state: done, key };
  }
}

/** Member user id -> verified device ids (what the rotation policy compares). */
function memberDevices(members: VerifiedMembers): Map<string, Set<string>> {
  return new Map(members.members.map((m) => [m.userId, new Set(m.devices.map((d) => d.deviceId))]));
}
