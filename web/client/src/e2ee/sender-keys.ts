import { SenderKeyRing, type OutboundSenderKeyRecord, type SenderKeyShare } from '../crypto/v1';
import type { KeyStore } from '../store/key-store';
import { recordNames } from './records';

/** This device's sender key in one conversation, as stored (docs/protocol-v1.md, "Wiring notes"). */
export interface OutboundState {
  v: 1;
  conversationId: string;
  /** Saved after every message, before the message is sent, so a restart never reuses a chain index. */
  record: OutboundSenderKeyRecord;
  /** Member user id -> the device ids the key was distributed to (this user and this device included). */
  distributedTo: Record<string, string[]>;
  /** The conversation's membership version when the key was made; another version means a new epoch. */
  membershipVersion: number;
  /**
   * False from the moment the epoch is created until every member device was sent its share. A key stored with
   * false is never used again (the next send starts another epoch): its number is spent, never reused, because
   * receivers ignore a second share for an epoch they hold.
   */
  distributed: boolean;
}

/** A stable id of a sender key: conversation, sending device, epoch. */
export function shareId(s: { conversationId: string; senderDeviceId: string; epoch: number }): string {
  return recordNames.share(s.conversationId, s.senderDeviceId, s.epoch);
}

/**
 * The sender keys this device can read with, and its own outbound state.
 *
 * Inbound: the earliest share of every sender key (from a distribution, the key backup, or this device's own new
 * epoch) is stored. The SDK keeps no plaintext at rest and reads history from the server again after a reload, so
 * each session builds its ring from these earliest shares; the ring's chain positions, skipped keys and replay
 * memory then live for the session. Replays inside a session are refused by the ring; across sessions the
 * conversation log's dedupe by message id applies (a message id is authenticated by the header). Keeping the
 * earliest share is what gives up forward secrecy for history, exactly as the backup does (docs/protocol-v1.md §9).
 */
export class SenderKeys {
  readonly ring = new SenderKeyRing();
  private readonly shares = new Map<string, SenderKeyShare>();
  /** Conversations this user left: their keys are forgotten and not imported again from the backup. */
  private readonly left = new Set<string>();

  constructor(
    private readonly store: KeyStore,
    private readonly userId: string,
  ) {}

  /** Read every stored share into the ring (once per session). */
  async load(): Promise<void> {
    for (const { key } of await this.store.listRecords(this.userId, recordNames.leftPrefix)) this.left.add(key.slice(recordNames.leftPrefix.length));
    const stored = await this.store.listRecords<SenderKeyShare>(this.userId, recordNames.sharePrefix);
    for (const { value } of stored) {
      try {
        await this.ring.add(value);
        this.shares.set(shareId(value), value);
      } catch {
        // A damaged record must not stop the others from loading; that key's messages show as undecryptable.
      }
    }
  }

  /**
   * Pick up shares another tab of this browser stored since this session loaded (the key store is shared by the
   * tabs of one device, and a device never distributes its own new epoch to itself). Resolves to the new ones.
   */
  async reloadConversation(conversationId: string): Promise<SenderKeyShare[]> {
    const conv = conversationId.toLowerCase();
    if (this.left.has(conv)) return [];
    const added: SenderKeyShare[] = [];
    for (const { value } of await this.store.listRecords<SenderKeyShare>(this.userId, recordNames.sharesOf(conv))) {
      const id = shareId(value);
      if (this.shares.has(id)) continue;
      try {
        await this.ring.add(value);
        this.shares.set(id, value);
        added.push(value);
      } catch {
        // A damaged record stays unread, as in load().
      }
    }
    return added;
  }

  has(id: { conversationId: string; senderDeviceId: string; epoch: number }): boolean {
    return this.shares.has(shareId(id));
  }

  /**
   * Hold a share: stored and added to the ring when its key is new. A share for a key already held is ignored,
   * except that an earlier position replaces the stored copy (more history readable after the next reload); the
   * live ring is never rewound (that would bring consumed keys back).
   *
   * `member`: the share proves current membership (a distribution, which the server stores only for members'
   * devices, or our own new epoch), so a conversation left earlier is joined again. Shares from the backup are not
   * taken for a conversation this user left.
   */
  async addShare(share: SenderKeyShare, opts: { member?: boolean } = {}): Promise<boolean> {
    const conv = share.conversationId.toLowerCase();
    if (this.left.has(conv)) {
      if (!opts.member) return false;
      this.left.delete(conv);
      await this.store.deleteRecord(this.userId, recordNames.left(conv));
    }
    const id = shareId(share);
    const held = this.shares.get(id);
    if (held && held.chainIndex <= share.chainIndex) return false;
    if (!held) await this.ring.add(share);
    await this.store.putRecord(this.userId, id, share);
    this.shares.set(id, share);
    return !held;
  }

  /** Every held share (for the backup). */
  list(): SenderKeyShare[] {
    return [...this.shares.values()];
  }

  /** The shares of one sending device in one conversation, oldest epoch first. */
  sharesOf(conversationId: string, senderDeviceId: string): SenderKeyShare[] {
    const conv = conversationId.toLowerCase();
    const dev = senderDeviceId.toLowerCase();
    return this.list()
      .filter((s) => s.conversationId.toLowerCase() === conv && s.senderDeviceId.toLowerCase() === dev)
      .sort((a, b) => a.epoch - b.epoch);
  }

  /** Always read from the store: another tab of this browser may have moved the chain since. */
  loadOutbound(conversationId: string): Promise<OutboundState | undefined> {
    return this.store.getRecord<OutboundState>(this.userId, recordNames.outbound(conversationId));
  }

  async saveOutbound(state: OutboundState): Promise<void> {
    await this.store.putRecord(this.userId, recordNames.outbound(state.conversationId), state);
  }

  /** This user left or was removed: the conversation's keys are of no further use on this device. */
  async dropConversation(conversationId: string): Promise<void> {
    const id = conversationId.toLowerCase();
    this.left.add(id);
    await this.store.putRecord(this.userId, recordNames.left(id), { at: new Date().toISOString() });
    this.ring.removeConversation(id);
    for (const key of [...this.shares.keys()]) if (key.startsWith(recordNames.sharesOf(id))) this.shares.delete(key);
    for (const { key } of await this.store.listRecords(this.userId, recordNames.sharesOf(id))) await this.store.deleteRecord(this.userId, key);
    await this.store.deleteRecord(this.userId, recordNames.outbound(id));
  }
}
