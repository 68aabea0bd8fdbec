import type { RegisterDeviceV1Request } from '@cipherlink/proto';
import { fromBase64Url, toBase64Url } from '../crypto';
import {
  createLocalDevice,
  exportIdentityKeyForBackup,
  generateIdentityKeyPair,
  generateRecoveryKey,
  importIdentityKeyFromBackup,
  openKeyBackupForWriting,
  parseRecoveryKey,
  sealKeyBackup,
  type KeyBackupContents,
  type KeyBackupSecret,
  type KeyBackupWriter,
  type LocalDevice,
  type SenderKeyShare,
} from '../crypto/v1';
import { BackupIdentityMismatchError, NoKeyBackupError } from '../errors';
import type { KeyStore } from '../store/key-store';
import { ApiError } from '../transport/api-error';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import { recordNames } from './records';

/**
 * This device's protocol v1 account keys: the user's identity key (a non-extractable copy: the key backup is the
 * only place its private half can be read from), this device's keys and certificate, and the secret that lets this
 * device update the key backup. Stored as one record.
 */
export interface AccountKeys {
  v: 1;
  userId: string;
  identity: { privateKey: CryptoKey; publicKeyRaw: Uint8Array };
  device: LocalDevice;
  backup: BackupSecret;
}

/**
 * What this device keeps to update the key backup (docs/protocol-v1.md, section 9): the backup's writer (its data
 * key, non-extractable, and its slots as they are), enough to write new versions; and, on a device that created
 * the backup or was restored with it, the recovery key, needed only to add or change the passphrase slot or to
 * follow a backup whose slots another device changed (kept like Element keeps its backup key). The passphrase is
 * never stored. Records written before writers existed hold no writer; one is made at the next update.
 */
export interface BackupSecret {
  recoveryKey?: Uint8Array;
  writer?: KeyBackupWriter;
}

/** Records from before writers existed also kept the passphrase in the clear: dropped when read. */
type StoredBackupSecret = BackupSecret & { passphrase?: string };

export type AccountCheck =
  | { state: 'ready'; account: AccountKeys }
  /** The user has no identity key yet: the first sign-in ever. */
  | { state: 'needs-setup' }
  /** The user has an identity key, this device does not hold it (or holds an older one). */
  | { state: 'needs-restore' }
  /** This device holds the current identity key, but the directory no longer lists this device (it was removed). */
  | { state: 'device-removed' };

export interface AccountDeps {
  api: CipherLinkApi;
  store: KeyStore;
}

/** Decide, from the directory and the KeyStore, what this device's keys are for the signed-in user. */
export async function checkAccount({ api, store }: AccountDeps, userId: string): Promise<AccountCheck> {
  const keys = await whileUnavailable(() => api.userKeys(userId));
  if (keys.identityKey === null) return { state: 'needs-setup' };
  const local = await store.getRecord<AccountKeys>(userId, recordNames.account);
  if (!local || toBase64Url(local.identity.publicKeyRaw) !== keys.identityKey) return { state: 'needs-restore' };
  const stored: StoredBackupSecret = local.backup;
  if (stored.passphrase !== undefined) {
    delete stored.passphrase;
    await store.putRecord(userId, recordNames.account, local);
  }
  const listed = keys.devices.some((d) => d.deviceId.toLowerCase() === local.device.deviceId);
  return listed ? { state: 'ready', account: local } : { state: 'device-removed' };
}

export interface NewAccount {
  account: AccountKeys;
  /** The recovery key's text: shown to the user once. */
  recoveryKey: string;
}

/**
 * Create the user's identity key, the first key backup and this device (first sign-in, or a reset after a lost
 * recovery key: `replace`). The identity key is created extractable only to be written into the backup; what is
 * kept is a non-extractable copy imported back from the exported scalar. Order: backup, identity key, device, local
 * record, so a published identity key always has a backup that holds it.
 */
export async function setUpAccount(deps: AccountDeps, userId: string, opts: { senderKeys?: SenderKeyShare[] } = {}): Promise<NewAccount> {
  const { api, store } = deps;
  const recovery = await generateRecoveryKey();
  let identity: { privateKey: CryptoKey; publicKeyRaw: Uint8Array };
  let writer: KeyBackupWriter;
  {
    const extractable = await generateIdentityKeyPair({ extractable: true });
    const exported = await exportIdentityKeyForBackup(extractable);
    try {
      const contents: KeyBackupContents = { userId: userId.toLowerCase(), createdAt: Date.now(), identity: exported, senderKeys: opts.senderKeys ?? [] };
      const { blob, writer: sealedWriter } = await sealKeyBackup(contents, { recoveryKey: recovery.key });
      writer = sealedWriter;
      // A reset replaces the old backup (whatever its version: it is of the old identity and recovery key).
      let version = ((await api.keyBackup())?.version ?? 0) + 1;
      for (let attempt = 0; ; attempt++) {
        const put = await putBackup(api, version, blob);
        if (!('conflict' in put)) break;
        if (attempt >= 5) throw new Error('the key backup keeps changing; try again');
        version = put.conflict + 1;
      }
      const kept = await importIdentityKeyFromBackup(exported, { extractable: false });
      identity = { privateKey: kept.privateKey, publicKeyRaw: kept.publicKeyRaw };
    } finally {
      exported.privateScalar.fill(0);
    }
  }
  await whileUnavailable(() => api.setIdentityKey(toBase64Url(identity.publicKeyRaw)));
  const device = await registerNewDevice(api, userId, identity.privateKey);
  const account: AccountKeys = { v: 1, userId: userId.toLowerCase(), identity, device, backup: { recoveryKey: recovery.key, writer } };
  await store.putRecord(userId, recordNames.account, account);
  return { account, recoveryKey: recovery.text };
}

export interface RestoredAccount {
  account: AccountKeys;
  /** Every sender key the backup held: read access to the history it covers. */
  senderKeys: SenderKeyShare[];
  backupVersion: number;
}

/**
 * Restore on a new device: download the backup, open it with the recovery key or passphrase, check that it holds
 * the user's current identity key, import that key non-extractable, certify and register this device, and store
 * the account. Nothing is written (locally or on the server) before the backup opened and matched: a wrong key is
 * InvalidRecoveryKeyError (typo) or WrongBackupKeyError, a missing backup NoKeyBackupError, a stale one
 * BackupIdentityMismatchError.
 */
export async function restoreAccount(deps: AccountDeps, userId: string, secret: KeyBackupSecret): Promise<RestoredAccount> {
  const { api, store } = deps;
  const recoveryKey = 'recoveryKey' in secret && typeof secret.recoveryKey === 'string' ? await parseRecoveryKey(secret.recoveryKey) : undefined;
  const [backup, keys] = await Promise.all([api.keyBackup(), whileUnavailable(() => api.userKeys(userId))]);
  if (!backup) throw new NoKeyBackupError('there is no key backup for this account');
  const { contents, writer } = await openKeyBackupForWriting(backupText(backup.blob), recoveryKey ? { recoveryKey } : secret);
  try {
    if (contents.userId !== userId.toLowerCase() || keys.identityKey === null || toBase64Url(contents.identity.publicKey) !== keys.identityKey) {
      throw new BackupIdentityMismatchError('the key backup holds another identity key than the account’s current one');
    }
    const kept = await importIdentityKeyFromBackup(contents.identity, { extractable: false });
    const identity = { privateKey: kept.privateKey, publicKeyRaw: kept.publicKeyRaw };
    const device = await registerNewDevice(api, userId, identity.privateKey);
    const recoveryBytes = recoveryKey ?? ('recoveryKey' in secret ? (secret.recoveryKey as Uint8Array) : undefined);
    const backupSecret: BackupSecret = recoveryBytes !== undefined ? { recoveryKey: recoveryBytes, writer } : { writer };
    const account: AccountKeys = { v: 1, userId: userId.toLowerCase(), identity, device, backup: backupSecret };
    await store.putRecord(userId, recordNames.account, account);
    return { account, senderKeys: contents.senderKeys, backupVersion: backup.version };
  } finally {
    contents.identity.privateScalar.fill(0);
  }
}

/** The JSON text of a backup blob as the directory stores it (base64url of its UTF-8). */
export function backupText(blob: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(blob));
}

/** The directory's form of a backup's JSON text. */
export function backupBlob(text: string): string {
  return toBase64Url(new TextEncoder().encode(text));
}

/** Write version `version`; a conflict means another device wrote first (the caller reads again). */
export async function putBackup(api: CipherLinkApi, version: number, text: string): Promise<{ version: number } | { conflict: number }> {
  return api.putKeyBackup({ version, blob: backupBlob(text) });
}

async function registerNewDevice(api: CipherLinkApi, userId: string, identityPrivateKey: CryptoKey): Promise<LocalDevice> {
  const device = await createLocalDevice(identityPrivateKey, { userId, deviceId: globalThis.crypto.randomUUID() });
  await whileUnavailable(() => api.registerCertifiedDevice(deviceBody(device)));
  return device;
}

/** The directory's registration body of a certified device. */
export function deviceBody(device: LocalDevice): RegisterDeviceV1Request {
  return {
    deviceId: device.deviceId,
    ecdhKey: toBase64Url(device.ecdh.publicKeyRaw),
    signingKey: toBase64Url(device.signing.publicKeyRaw),
    certificate: toBase64Url(device.certificate.signature),
    certifiedAt: device.certificate.createdAt,
  };
}

/**
 * Retry while the directory answers 503: right after registration it may not have consumed the new user yet
 * ("account is being set up, retry shortly").
 */
export async function whileUnavailable<T>(call: () => Promise<T>, attempts = 40): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 503 || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.min(100 * (i + 1), 500)));
    }
  }
}
