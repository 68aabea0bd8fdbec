import { toBase64Url } from '../crypto';
import { createKeyBackup, MIN_BACKUP_PASSPHRASE_CHARS, openKeyBackup, WrongBackupKeyError, type KeyBackupContents, type SenderKeyShare } from '../crypto/v1';
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
 * therefore reads the current backup, opens it with the recovery key this device keeps, takes the identity key
 * from it, merges the sender keys (the union; for a key held by both, the earlier position), and writes version
 * + 1. A 409 (another device wrote first) reads again and merges again. Shares found only in the backup are
 * imported here too. Nothing is written when the merge adds nothing.
 */
export class BackupSync {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private dirty = false;
  private stopped = false;
  private state: BackupStatus;

  constructor(private readonly deps: BackupSyncDeps) {
    const secret = deps.account.backup;
    this.state = { version: null, uploading: false, canUpdate: secret.recoveryKey !== undefined, hasPassphrase: secret.passphrase !== undefined };
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

  /** Add (or replace) the passphrase slot; the passphrase is kept on this device to keep the slot in later updates. */
  async setPassphrase(passphrase: string): Promise<void> {
    if (typeof passphrase !== 'string' || [...passphrase.normalize('NFKC')].length < MIN_BACKUP_PASSPHRASE_CHARS) {
      throw new RangeError(`the backup passphrase must be at least ${MIN_BACKUP_PASSPHRASE_CHARS} characters`);
    }
    const account = this.deps.account;
    account.backup = { ...account.backup, passphrase };
    await this.deps.store.putRecord(account.userId, recordNames.account, account);
    this.update({ hasPassphrase: true });
    await this.flush(true);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async sync({ write, force }: { write: boolean; force: boolean }): Promise<void> {
    const { api, account, keys } = this.deps;
    const recoveryKey = account.backup.recoveryKey;
    const passphrase = account.backup.passphrase;
    // Opening needs either secret (the recovery key is cheaper); writing needs the recovery key.
    const secret = recoveryKey ? { recoveryKey } : passphrase !== undefined ? { passphrase } : undefined;
    if (!secret) return;
    write &&= recoveryKey !== undefined;
    if (write) this.dirty = false;
    this.update({ uploading: write });
    try {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await api.keyBackup();
        if (!current) {
          // Only the first backup is written without a previous one (it is where the identity key comes from).
          return this.update({ uploading: false, ...(write ? { lastError: 'there is no key backup to update' } : {}) });
        }
        const text = backupText(current.blob);
        let contents: KeyBackupContents;
        try {
          contents = await openKeyBackup(text, secret);
        } catch (err) {
          const why = err instanceof WrongBackupKeyError ? 'the key backup was replaced (the identity was reset on another device)' : 'the key backup cannot be read';
          return this.update({ uploading: false, canUpdate: false, lastError: why, version: current.version });
        }
        try {
          if (toBase64Url(contents.identity.publicKey) !== toBase64Url(account.identity.publicKeyRaw)) {
            return this.update({ uploading: false, canUpdate: false, lastError: 'the key backup holds another identity key', version: current.version });
          }
          for (const share of contents.senderKeys) {
            if (await keys.addShare(share).catch(() => false)) this.deps.onImported(share);
          }
          if (!write || !recoveryKey) return this.update({ uploading: false, version: current.version });
          const merged = mergeShares(keys.list(), contents.senderKeys);
          const hadPassphrase = hasPassphraseSlot(text);
          const wantPassphrase = account.backup.passphrase !== undefined;
          if (hadPassphrase && !wantPassphrase) {
            // Rewriting would drop the passphrase slot this device cannot reproduce. The device that set the
            // passphrase keeps the backup current (it receives the same keys); entering the passphrase here
            // (setBackupPassphrase) lets this one write too.
            return this.update({ uploading: false, version: current.version, hasPassphrase: true, lastError: 'the backup has a passphrase this device does not know' });
          }
          if (!force && sameShares(merged, contents.senderKeys) && hadPassphrase === wantPassphrase) {
            return this.update({ uploading: false, version: current.version, lastError: undefined });
          }
          const blob = await createKeyBackup(
            { userId: account.userId, createdAt: Date.now(), identity: contents.identity, senderKeys: merged },
            { recoveryKey, ...(account.backup.passphrase !== undefined ? { passphrase: account.backup.passphrase } : {}) },
          );
          const put = await putBackup(api, current.version + 1, blob);
          if ('conflict' in put) continue;
          return this.update({ uploading: false, version: put.version, hasPassphrase: wantPassphrase, lastError: undefined });
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

function hasPassphraseSlot(text: string): boolean {
  try {
    const blob = JSON.parse(text) as { slots?: { kind?: unknown }[] };
    return Array.isArray(blob.slots) && blob.slots.some((s) => s?.kind === 'passphrase');
  } catch {
    return false;
  }
}
