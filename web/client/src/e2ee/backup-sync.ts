import { toBase64Url } from '../crypto';
import {
  addPassphraseSlot,
  hasPassphraseSlot,
  MIN_BACKUP_PASSPHRASE_CHARS,
  openKeyBackupForWriting,
  openKeyBackupWithWriter,
  resealKeyBackup,
  WrongBackupKeyError,
  type KeyBackupContents,
  type KeyBackupWriter,
  type SenderKeyShare,
} from '../crypto/v1';
import type { KeyStore } from '../store/key-store';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import type { BackupStatus } from '../types';
import { backupText, putBackup, type AccountKeys } from './account';
import { recordNames } from './records';
import { shareId, type SenderKeys } from './sender-keys';

export interface BackupSyncDeps {
  api: CipherLinkApi;
  store: KeyStore;
  account: AccountKeys;
  keys: SenderKeys;
  emit: (status: BackupStatus) => void;
  /** A sender key found only in the backup was imported (messages waiting for it can be decrypted). */
  onImported: (share: SenderKeyShare) => void;
  /** Wait this long after the last change before uploading (changes come in bursts). Default 2 s. */
  debounceMs?: number;
}

/** How often a write that lost the version race is read and tried again. */
const MAX_ATTEMPTS = 6;

/**
 * Keeps the encrypted key backup up to date with the sender keys this device holds (docs/protocol-v1.md §9).
 *
 * The backup must contain the identity private key, which this device holds only non-extractable: each update
 * therefore reads the current backup, opens it with the writer this device keeps (its data key; or with the
 * recovery key, if held, when another device changed the slots), takes the identity key from it, merges the
 * sender keys (the union; for a key held by both, the earlier position), and writes version + 1 under the same
 * data key and slots. A 409 (another device wrote first) reads again and merges again. Shares found only in the backup are
 * imported here too. Nothing is written when the merge adds nothing.
 */
export class BackupSync {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private dirty = false;
  private stopped = false;
  private state: BackupStatus;

  constructor(private readonly deps: BackupSyncDeps) {
    const { writer, recoveryKey } = deps.account.backup;
    this.state = {
      version: null,
      uploading: false,
      canUpdate: writer !== undefined || recoveryKey !== undefined,
      canSetPassphrase: recoveryKey !== undefined,
      hasPassphrase: writer !== undefined && hasPassphraseSlot(writer.slots),
    };
  }

  get status(): BackupStatus {
    return { ...this.state };
  }

  /** Something changed: upload after the debounce delay. */
  schedule(): void {
    if (this.stopped || !this.state.canUpdate) return;
    this.dirty = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.deps.debounceMs ?? 2_000);
  }

  /** Upload now whatever is pending (and wait for uploads in progress). */
  flush(force = false): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.enqueue(() => (this.dirty || force ? this.sync({ write: true, force }) : Promise.resolve()));
  }

  /**
   * Read the backup and import the sender keys only it has (another device of the user received them); writes
   * too when an upload is pending. For "can't decrypt yet" messages on a restored device.
   */
  pull(): Promise<void> {
    return this.enqueue(() => this.sync({ write: this.dirty, force: false }));
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.running.then(task);
    this.running = run.catch(() => undefined);
    return run;
  }

  /**
   * Add (or replace) the passphrase slot. Needs the recovery key (the slot wraps the backup's data key, whose bytes
   * only the recovery-key slot gives); the data key, the recovery-key slot and the contents stay as they are. The
   * passphrase itself is never stored.
   */
  async setPassphrase(passphrase: string): Promise<void> {
    if (typeof passphrase !== 'string' || [...passphrase.normalize('NFKC')].length < MIN_BACKUP_PASSPHRASE_CHARS) {
      throw new RangeError(`the backup passphrase must be at least ${MIN_BACKUP_PASSPHRASE_CHARS} characters`);
    }
    const { api, account } = this.deps;
    const recoveryKey = account.backup.recoveryKey;
    if (!recoveryKey) throw new Error('this device was restored with the passphrase: change it on a device that holds the recovery key');
    await this.flush();
    await this.enqueue(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await api.keyBackup();
        if (!current) throw new Error('there is no key backup to add a passphrase to');
        const { blob, writer } = await addPassphraseSlot(backupText(current.blob), recoveryKey, passphrase);
        const put = await putBackup(api, current.version + 1, blob);
        if ('conflict' in put) continue;
        await this.keepWriter(writer);
        return this.update({ version: put.version, hasPassphrase: true, canUpdate: true, lastError: undefined });
      }
      throw new Error('the key backup kept changing; try again');
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async sync({ write, force }: { write: boolean; force: boolean }): Promise<void> {
    const { api, account, keys } = this.deps;
    if (!account.backup.writer && !account.backup.recoveryKey) return;
    if (write) this.dirty = false;
    this.update({ uploading: write });
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await api.keyBackup();
        if (!current) {
          // Only the first backup is written without a previous one (it is where the identity key comes from).
          return this.update({ uploading: false, ...(write ? { lastError: 'there is no key backup to update' } : {}) });
        }
        let opened: { contents: KeyBackupContents; writer: KeyBackupWriter } | undefined;
        try {
          opened = await this.open(backupText(current.blob));
        } catch (err) {
          const why = err instanceof WrongBackupKeyError ? 'the key backup was replaced (the identity was reset on another device)' : 'the key backup cannot be read';
          return this.update({ uploading: false, canUpdate: false, lastError: why, version: current.version });
        }
        if (!opened) {
          const why = 'the key backup was changed on another device (a new passphrase or a reset); restore it here to update it from this device';
          return this.update({ uploading: false, canUpdate: false, lastError: why, version: current.version });
        }
        const { contents, writer } = opened;
        try {
          if (toBase64Url(contents.identity.publicKey) !== toBase64Url(account.identity.publicKeyRaw)) {
            return this.update({ uploading: false, canUpdate: false, lastError: 'the key backup holds another identity key', version: current.version });
          }
          for (const share of contents.senderKeys) {
            if (await keys.addShare(share).catch(() => false)) this.deps.onImported(share);
          }
          const hasPassphrase = hasPassphraseSlot(writer.slots);
          if (!write) return this.update({ uploading: false, version: current.version, hasPassphrase });
          const merged = mergeShares(keys.list(), contents.senderKeys);
          if (!force && sameShares(merged, contents.senderKeys)) {
            return this.update({ uploading: false, version: current.version, hasPassphrase, lastError: undefined });
          }
          const blob = await resealKeyBackup(writer, { userId: account.userId, createdAt: Date.now(), identity: contents.identity, senderKeys: merged });
          const put = await putBackup(api, current.version + 1, blob);
          if ('conflict' in put) continue;
          return this.update({ uploading: false, version: put.version, hasPassphrase, lastError: undefined });
        } finally {
          contents.identity.privateScalar.fill(0);
        }
      }
      this.dirty = true;
      this.update({ uploading: false, lastError: 'the key backup kept changing; will try again' });
    } catch (err) {
      if (write) this.dirty = true;
      this.update({ uploading: false, lastError: err instanceof Error ? err.name : 'upload failed' });
      throw err;
    }
  }

  /**
   * Open the current backup: with this device's writer while its slots are unchanged; else with the recovery key,
   * if this device holds it (a new writer is kept); else undefined (the slots changed and nothing here opens them).
   */
  private async open(text: string): Promise<{ contents: KeyBackupContents; writer: KeyBackupWriter } | undefined> {
    const { writer, recoveryKey } = this.deps.account.backup;
    if (writer) {
      const contents = await openKeyBackupWithWriter(text, writer);
      if (contents) return { contents, writer };
    }
    if (!recoveryKey) return undefined;
    const opened = await openKeyBackupForWriting(text, { recoveryKey });
    await this.keepWriter(opened.writer);
    return opened;
  }

  private async keepWriter(writer: KeyBackupWriter): Promise<void> {
    const account = this.deps.account;
    account.backup = { ...account.backup, writer };
    await this.deps.store.putRecord(account.userId, recordNames.account, account);
  }

  private update(patch: Partial<BackupStatus>): void {
    const next: BackupStatus = { ...this.state, ...patch };
    if (patch.lastError === undefined && 'lastError' in patch) delete next.lastError;
    this.state = next;
    this.deps.emit(this.status);
  }
}

/** The union of two share lists; for a key in both, the earlier chain position (reads more history). */
export function mergeShares(a: readonly SenderKeyShare[], b: readonly SenderKeyShare[]): SenderKeyShare[] {
  const out = new Map<string, SenderKeyShare>();
  for (const s of [...a, ...b]) {
    const id = shareId(s);
    const held = out.get(id);
    if (!held || s.chainIndex < held.chainIndex) out.set(id, s);
  }
  return [...out.values()];
}

/** Same keys at the same positions. */
export function sameShares(a: readonly SenderKeyShare[], b: readonly SenderKeyShare[]): boolean {
  if (a.length !== b.length) return false;
  const positions = new Map(a.map((s) => [shareId(s), s.chainIndex]));
  return b.every((s) => positions.get(shareId(s)) === s.chainIndex);
}
