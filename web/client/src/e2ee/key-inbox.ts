import type { KeyPackage } from '@cipherlink/proto';
import { openSenderKeyDistribution, peekSenderKeyDistribution, type SenderKeyShare } from '../crypto/v1';
import type { KeyStore } from '../store/key-store';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import type { AccountKeys } from './account';
import type { KeyDirectory } from './key-directory';
import { recordNames } from './records';
import type { SenderKeys } from './sender-keys';

/** Key-package seqs count per recipient device: the record names the device it belongs to. */
interface SyncState {
  deviceId: string;
  keyPackageSeq: number;
}

export interface KeyInboxDeps {
  api: CipherLinkApi;
  store: KeyStore;
  account: AccountKeys;
  directory: KeyDirectory;
  keys: SenderKeys;
  /** A new sender key is held (retry messages waiting for it; update the backup). */
  onShare: (share: SenderKeyShare) => void;
  pageSize?: number;
}

/**
 * Sender-key distributions addressed to this device: live `keys.package` frames and, on every (re)connect, the ones
 * missed while offline (GET /api/messages/key-packages?afterSeq=). Each is opened only after its sender device's
 * certificate verified (KeyDirectory), and only if the package's clear routing agrees with the sealed one. Processed
 * one at a time; the highest seq processed is stored so the next fetch starts after it.
 */
export class KeyInbox {
  private tail: Promise<unknown> = Promise.resolve();
  private lastSeq: number | undefined;

  constructor(private readonly deps: KeyInboxDeps) {}

  /** A live package. */
  receive(pkg: KeyPackage): Promise<void> {
    return this.enqueue(() => this.process(pkg));
  }

  /** Fetch and process everything after the last seq processed. */
  fetchMissed(): Promise<void> {
    return this.enqueue(async () => {
      const { api, account } = this.deps;
      const limit = this.deps.pageSize ?? 100;
      for (;;) {
        const after = await this.seq();
        const page = await api.keyPackages(account.device.deviceId, after, limit);
        for (const pkg of [...page.packages].sort((a, b) => a.seq - b.seq)) await this.process(pkg);
        if (!page.hasMore || (await this.seq()) <= after) return;
      }
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async seq(): Promise<number> {
    if (this.lastSeq === undefined) {
      const s = await this.deps.store.getRecord<SyncState>(this.deps.account.userId, recordNames.sync);
      // A record of an earlier device of this browser (before a reset or a restore) says nothing about this one.
      this.lastSeq = s?.deviceId === this.deps.account.device.deviceId ? s.keyPackageSeq : 0;
    }
    return this.lastSeq;
  }

  private async process(pkg: KeyPackage): Promise<void> {
    if (pkg.seq <= (await this.seq())) return;
    try {
      await this.open(pkg);
    } catch {
      // A package that cannot be opened (not for us, forged, sender unknown) is skipped; nothing about it is logged
      // beyond this, and its messages stay "can't decrypt yet".
    }
    this.lastSeq = pkg.seq;
    await this.deps.store.putRecord(this.deps.account.userId, recordNames.sync, { deviceId: this.deps.account.device.deviceId, keyPackageSeq: pkg.seq } satisfies SyncState);
  }

  private async open(pkg: KeyPackage): Promise<void> {
    const { account, directory, keys } = this.deps;
    if (pkg.recipientDeviceId.toLowerCase() !== account.device.deviceId) return;
    const routing = peekSenderKeyDistribution(pkg.blob);
    // The server's clear fields (from the sender's authenticated socket) must agree with what the sender sealed.
    if (
      routing.conversationId !== pkg.conversationId.toLowerCase() ||
      routing.epoch !== pkg.epoch ||
      routing.senderUserId !== pkg.senderUserId.toLowerCase() ||
      routing.senderDeviceId !== pkg.senderDeviceId.toLowerCase()
    ) {
      return;
    }
    if (keys.has(routing)) return;
    const sender = await directory.device(routing.senderUserId, routing.senderDeviceId);
    if (!sender) return;
    const share = await openSenderKeyDistribution(pkg.blob, account.device, sender);
    if (await keys.addShare(share, { member: true })) this.deps.onShare(share);
  }
}
