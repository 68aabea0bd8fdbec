/**
 * Encrypted key backup: the identity key and the sender keys (read access to history), sealed so that only the
 * recovery key, or an optional passphrase, opens it (docs/protocol-v1.md, "Key backup").
 *
 *   dataKey  = 32 random bytes; ct = AES-256-GCM(dataKey, iv, label("cipherlink/v1/key-backup/contents") || u8 1,
 *              contents JSON)
 *   one slot per secret, each wrapping dataKey with AES-256-GCM under a key-encryption key (KEK):
 *     recovery key: KEK = HKDF-SHA-256(recovery key, salt (32 random), info = label("cipherlink/v1/key-backup/
 *                   recovery-key-slot") || u8 1)
 *     passphrase:   KEK = PBKDF2-HMAC-SHA-256(UTF-8(NFKC(passphrase)), salt (32 random), iterations >= 600,000)
 *     additional data = label("cipherlink/v1/key-backup/slot") || u8 1 || u8 kind || u32 iterations || salt
 *   blob = JSON { v: 1, slots: [...], iv, ct } with binary fields as unpadded base64url
 *
 * The AES-GCM tag decides: a wrong recovery key or passphrase (or an altered slot) is WrongBackupKeyError, never
 * garbage; a slot that opens but contents that do not is InvalidKeyBackupError (the blob was altered).
 *
 * Keeping a backup up to date needs neither secret: a device that created or opened the backup keeps a
 * `KeyBackupWriter` (the data key as a non-extractable AES-GCM key, and the slots as they are) and writes new
 * versions under the same data key with a fresh IV, the slots unchanged (`resealKeyBackup`). So a device restored
 * with the passphrase keeps the backup current, and no device stores the passphrase. Adding a passphrase slot needs
 * the data key's bytes, so the recovery key (`addPassphraseSlot`).
 */
import { fromBase64Url, toBase64Url } from '../base64url';
import { AES_GCM_IV_BYTES, AES_GCM_KEY_BYTES, AES_GCM_TAG_BYTES, decryptAesGcm, encryptAesGcm, generateIv, importAesGcmKey } from './aead';
import { ByteWriter, utf8 } from './bytes';
import { AeadAuthenticationError, CryptoParameterError, InvalidKeyBackupError, WrongBackupKeyError } from './errors';
import { hkdfSha256 } from './hkdf';
import type { IdentityKeyExport } from './identity';
import { decodeBackupContents, encodeBackupContents, type KeyBackupContents } from './key-backup-contents';
import { LABELS } from './labels';
import { MIN_BACKUP_ITERATIONS, pbkdf2Sha256 } from './pbkdf2';
import { randomBytes } from './random';
import { parseRecoveryKey, RECOVERY_KEY_BYTES } from './recovery-key';
import { assertIntegerInRange, ownBytesOfLength, type Bytes } from './webcrypto';

export type { KeyBackupContents, IdentityKeyExport };

export const KEY_BACKUP_VERSION = 1;
const SALT_BYTES = 32;
/** Refused when opening: a blob asking for more would only burn the user's CPU. */
export const MAX_BACKUP_ITERATIONS = 10_000_000;
/** Shortest passphrase accepted (code points), as for account passwords (NIST SP 800-63B-4). */
export const MIN_BACKUP_PASSPHRASE_CHARS = 15;

type SlotKind = 'recovery-key' | 'passphrase';
const SLOT_KIND_BYTE: Record<SlotKind, number> = { 'recovery-key': 1, passphrase: 2 };

interface SlotJson {
  kind: SlotKind;
  kdf: 'HKDF-SHA-256' | 'PBKDF2-SHA-256';
  /** PBKDF2 only. */
  iterations?: number;
  salt: string;
  iv: string;
  wrappedKey: string;
}

/** The backup blob (serialised with JSON.stringify). */
export interface KeyBackupBlob {
  v: 1;
  slots: SlotJson[];
  iv: string;
  ct: string;
}

export interface KeyBackupProtection {
  /** The 32-byte recovery key (recovery-key.ts); always required. */
  recoveryKey: Uint8Array;
  /** Optional second way in; at least MIN_BACKUP_PASSPHRASE_CHARS code points. */
  passphrase?: string;
  /** PBKDF2 iterations for the passphrase slot, default (and at least) MIN_BACKUP_ITERATIONS. */
  iterations?: number;
}

/** One of the two secrets that open a backup: the recovery key (bytes, or text as the user typed it) or the passphrase. */
export type KeyBackupSecret = { recoveryKey: Uint8Array | string } | { passphrase: string };

/**
 * What a device keeps to write new versions of a backup without either secret (structured-cloneable, for
 * IndexedDB): the data key, non-extractable, and the slots exactly as the backup holds them.
 */
export interface KeyBackupWriter {
  readonly dataKey: CryptoKey;
  readonly slots: readonly KeyBackupSlot[];
}

/** A slot as it appears in the blob (only ciphertext, salts and parameters). */
export type KeyBackupSlot = Readonly<SlotJson>;

/** A sealed backup and the writer to keep it up to date. */
export interface SealedKeyBackup {
  /** The blob as JSON text. */
  blob: string;
  writer: KeyBackupWriter;
}

/** Seal `contents` under a new data key; returns the blob as JSON text. */
export async function createKeyBackup(contents: KeyBackupContents, protection: KeyBackupProtection): Promise<string> {
  return (await sealKeyBackup(contents, protection)).blob;
}

/** `createKeyBackup`, also returning the writer that keeps the new backup up to date. */
export async function sealKeyBackup(contents: KeyBackupContents, protection: KeyBackupProtection): Promise<SealedKeyBackup> {
  const dataKeyBytes = randomBytes(AES_GCM_KEY_BYTES);
  try {
    const slots = [await sealSlot('recovery-key', dataKeyBytes, (salt) => recoveryKek(protection.recoveryKey, salt), 0)];
    if (protection.passphrase !== undefined) slots.push(await passphraseSlot(dataKeyBytes, protection.passphrase, protection.iterations));
    const writer: KeyBackupWriter = { dataKey: await importAesGcmKey(dataKeyBytes), slots };
    return { blob: await resealKeyBackup(writer, contents), writer };
  } finally {
    dataKeyBytes.fill(0);
  }
}

/** A new version of the backup: `contents` under the writer's data key with a fresh IV, the slots unchanged. */
export async function resealKeyBackup(writer: KeyBackupWriter, contents: KeyBackupContents): Promise<string> {
  const plaintext = encodeBackupContents(contents);
  try {
    const iv = generateIv();
    const ct = await encryptAesGcm(writer.dataKey, { iv, additionalData: contentsAad(), plaintext });
    const blob: KeyBackupBlob = { v: KEY_BACKUP_VERSION, slots: writer.slots.map((s) => ({ ...s })), iv: toBase64Url(iv), ct: toBase64Url(ct) };
    return JSON.stringify(blob);
  } finally {
    plaintext.fill(0);
  }
}

/** Open a backup with the recovery key or the passphrase. See the module comment for the errors. */
export async function openKeyBackup(blobText: string, secret: KeyBackupSecret): Promise<KeyBackupContents> {
  return (await openKeyBackupForWriting(blobText, secret)).contents;
}

/** `openKeyBackup`, also returning the writer that keeps this backup up to date. */
export async function openKeyBackupForWriting(blobText: string, secret: KeyBackupSecret): Promise<{ contents: KeyBackupContents; writer: KeyBackupWriter }> {
  const blob = parseBlob(blobText);
  const dataKeyBytes = await unwrapDataKey(blob, secret);
  let dataKey: CryptoKey;
  try {
    dataKey = await importAesGcmKey(dataKeyBytes);
  } finally {
    dataKeyBytes.fill(0);
  }
  const writer: KeyBackupWriter = { dataKey, slots: blob.slotsJson };
  return { contents: await openContents(blob, dataKey), writer };
}

/**
 * Open a backup with a writer: its contents if the backup still has the writer's slots (then it is under the
 * writer's data key), undefined if the slots changed (a reset, a passphrase slot added or replaced on another
 * device). A writer never adopts slots it cannot open: a server could otherwise make it carry broken slots into
 * every later version. InvalidKeyBackupError if the slots match but the contents do not open (altered blob).
 */
export async function openKeyBackupWithWriter(blobText: string, writer: KeyBackupWriter): Promise<KeyBackupContents | undefined> {
  const blob = parseBlob(blobText);
  if (JSON.stringify(blob.slotsJson) !== JSON.stringify(writer.slots)) return undefined;
  return openContents(blob, writer.dataKey);
}

/**
 * Add (or replace) the passphrase slot of a backup, keeping its data key, recovery-key slot and contents: every
 * device's writer stays valid. Needs the recovery key (the data key's bytes come from its slot).
 */
export async function addPassphraseSlot(blobText: string, recoveryKey: Uint8Array, passphrase: string, iterations?: number): Promise<SealedKeyBackup> {
  const blob = parseBlob(blobText);
  const dataKeyBytes = await unwrapDataKey(blob, { recoveryKey });
  try {
    const slots = [...blob.slotsJson.filter((s) => s.kind !== 'passphrase'), await passphraseSlot(dataKeyBytes, passphrase, iterations)];
    const writer: KeyBackupWriter = { dataKey: await importAesGcmKey(dataKeyBytes), slots };
    const out: KeyBackupBlob = { v: KEY_BACKUP_VERSION, slots: slots.map((s) => ({ ...s })), iv: toBase64Url(blob.iv), ct: toBase64Url(blob.ct) };
    return { blob: JSON.stringify(out), writer };
  } finally {
    dataKeyBytes.fill(0);
  }
}

/** Whether a backup has a passphrase slot. */
export function hasPassphraseSlot(slots: readonly KeyBackupSlot[]): boolean {
  return slots.some((s) => s.kind === 'passphrase');
}

/** The data key's bytes, from the slot the secret opens. */
async function unwrapDataKey(blob: ParsedBlob, secret: KeyBackupSecret): Promise<Bytes> {
  const kind: SlotKind = 'recoveryKey' in secret ? 'recovery-key' : 'passphrase';
  const slot = blob.slots.find((s) => s.kind === kind);
  if (!slot) throw new WrongBackupKeyError(kind === 'passphrase' ? 'this backup has no passphrase; use the recovery key' : 'this backup has no recovery-key slot');
  let kek: Bytes;
  if ('recoveryKey' in secret) {
    const key = typeof secret.recoveryKey === 'string' ? await parseRecoveryKey(secret.recoveryKey) : secret.recoveryKey;
    kek = await recoveryKek(key, slot.salt);
  } else {
    kek = await pbkdf2Sha256(passphraseBytes(secret.passphrase, false), { salt: slot.salt, iterations: slot.iterations, byteLength: 32 });
  }
  try {
    const aad = slotAad(kind, slot.iterations, slot.salt);
    return await decryptAesGcm(await importAesGcmKey(kek), { iv: slot.iv, additionalData: aad, ciphertext: slot.wrappedKey });
  } catch (err) {
    if (err instanceof AeadAuthenticationError) throw new WrongBackupKeyError(`the ${kind === 'passphrase' ? 'passphrase' : 'recovery key'} does not open this backup`, { cause: err });
    throw err;
  } finally {
    kek.fill(0);
  }
}

async function openContents(blob: ParsedBlob, dataKey: CryptoKey): Promise<KeyBackupContents> {
  let plaintext: Bytes;
  try {
    plaintext = await decryptAesGcm(dataKey, { iv: blob.iv, additionalData: contentsAad(), ciphertext: blob.ct });
  } catch (err) {
    throw new InvalidKeyBackupError('the backup contents were altered', { cause: err });
  }
  try {
    return decodeBackupContents(plaintext);
  } finally {
    plaintext.fill(0);
  }
}

function passphraseSlot(dataKey: Uint8Array, passphrase: string, iterations: number = MIN_BACKUP_ITERATIONS): Promise<SlotJson> {
  assertIntegerInRange(iterations, MIN_BACKUP_ITERATIONS, MAX_BACKUP_ITERATIONS, 'PBKDF2 iterations');
  const bytes = passphraseBytes(passphrase);
  return sealSlot('passphrase', dataKey, (salt) => pbkdf2Sha256(bytes, { salt, iterations, byteLength: 32 }), iterations);
}

interface ParsedSlot {
  kind: SlotKind;
  iterations: number;
  salt: Bytes;
  iv: Bytes;
  wrappedKey: Bytes;
}

async function sealSlot(kind: SlotKind, dataKey: Uint8Array, deriveKek: (salt: Bytes) => Promise<Bytes>, iterations: number): Promise<SlotJson> {
  const salt = randomBytes(SALT_BYTES);
  const kek = await deriveKek(salt);
  const key = await importAesGcmKey(kek);
  kek.fill(0);
  const iv = generateIv();
  const wrapped = await encryptAesGcm(key, { iv, additionalData: slotAad(kind, iterations, salt), plaintext: dataKey });
  const slot: SlotJson =
    kind === 'passphrase'
      ? { kind, kdf: 'PBKDF2-SHA-256', iterations, salt: toBase64Url(salt), iv: toBase64Url(iv), wrappedKey: toBase64Url(wrapped) }
      : { kind, kdf: 'HKDF-SHA-256', salt: toBase64Url(salt), iv: toBase64Url(iv), wrappedKey: toBase64Url(wrapped) };
  return slot;
}

function recoveryKek(recoveryKey: Uint8Array, salt: Uint8Array): Promise<Bytes> {
  const ikm = ownBytesOfLength(recoveryKey, RECOVERY_KEY_BYTES, 'recovery key');
  const info = new ByteWriter().label(LABELS.backupRecoveryKeySlot).u8(KEY_BACKUP_VERSION).bytes();
  return hkdfSha256(ikm, { salt, info, byteLength: 32 });
}

/** UTF-8 of the NFKC form; the length rule applies when setting a passphrase (a short one just fails to open). */
function passphraseBytes(passphrase: string, enforceLength = true): Bytes {
  if (typeof passphrase !== 'string') throw new CryptoParameterError('the passphrase must be text');
  const normalised = passphrase.normalize('NFKC');
  if (enforceLength && [...normalised].length < MIN_BACKUP_PASSPHRASE_CHARS) {
    throw new CryptoParameterError(`the passphrase must be at least ${MIN_BACKUP_PASSPHRASE_CHARS} characters`);
  }
  return utf8(normalised);
}

function slotAad(kind: SlotKind, iterations: number, salt: Uint8Array): Bytes {
  return new ByteWriter().label(LABELS.backupSlot).u8(KEY_BACKUP_VERSION).u8(SLOT_KIND_BYTE[kind]).u32(iterations).withLength(salt).bytes();
}

function contentsAad(): Bytes {
  return new ByteWriter().label(LABELS.backupContents).u8(KEY_BACKUP_VERSION).bytes();
}

interface ParsedBlob {
  slots: ParsedSlot[];
  /** The slots as they appear in the blob, members in the canonical order (for writers and comparison). */
  slotsJson: SlotJson[];
  iv: Bytes;
  ct: Bytes;
}

function parseBlob(text: string): ParsedBlob {
  let json: unknown;
  try {
    if (typeof text !== 'string') throw new TypeError('the backup must be text');
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidKeyBackupError('the backup is not JSON', { cause: err });
  }
  const b = record(json, ['v', 'slots', 'iv', 'ct'], 'backup');
  if (b.v !== KEY_BACKUP_VERSION) throw new InvalidKeyBackupError('unsupported backup version');
  if (!Array.isArray(b.slots) || b.slots.length < 1 || b.slots.length > 2) throw new InvalidKeyBackupError('a backup has one or two slots');
  const slots = b.slots.map(parseSlot);
  if (new Set(slots.map((s) => s.kind)).size !== slots.length) throw new InvalidKeyBackupError('a backup has at most one slot of each kind');
  const iv = bytes(b.iv, 'iv', AES_GCM_IV_BYTES);
  const ct = bytes(b.ct, 'ct');
  if (ct.length < AES_GCM_TAG_BYTES) throw new InvalidKeyBackupError('ct is too short');
  return { slots, slotsJson: slots.map(slotJson), iv, ct };
}

/** A parsed slot back in its JSON form (as `sealSlot` writes it). */
function slotJson(s: ParsedSlot): SlotJson {
  const base = { salt: toBase64Url(s.salt), iv: toBase64Url(s.iv), wrappedKey: toBase64Url(s.wrappedKey) };
  return s.kind === 'passphrase' ? { kind: s.kind, kdf: 'PBKDF2-SHA-256', iterations: s.iterations, ...base } : { kind: s.kind, kdf: 'HKDF-SHA-256', ...base };
}

function parseSlot(json: unknown): ParsedSlot {
  const kind = (json as { kind?: unknown } | null)?.kind;
  if (kind === 'recovery-key') {
    const s = record(json, ['kind', 'kdf', 'salt', 'iv', 'wrappedKey'], 'slot');
    if (s.kdf !== 'HKDF-SHA-256') throw new InvalidKeyBackupError('unsupported recovery-key slot KDF');
    return { kind, iterations: 0, ...slotBytes(s) };
  }
  if (kind === 'passphrase') {
    const s = record(json, ['kind', 'kdf', 'iterations', 'salt', 'iv', 'wrappedKey'], 'slot');
    if (s.kdf !== 'PBKDF2-SHA-256') throw new InvalidKeyBackupError('unsupported passphrase slot KDF');
    const it = s.iterations;
    if (typeof it !== 'number' || !Number.isSafeInteger(it) || it < MIN_BACKUP_ITERATIONS || it > MAX_BACKUP_ITERATIONS) {
      throw new InvalidKeyBackupError(`passphrase slot iterations must be ${MIN_BACKUP_ITERATIONS}..${MAX_BACKUP_ITERATIONS}`);
    }
    return { kind, iterations: it, ...slotBytes(s) };
  }
  throw new InvalidKeyBackupError('unknown slot kind');
}

function slotBytes(s: Record<string, unknown>): { salt: Bytes; iv: Bytes; wrappedKey: Bytes } {
  return {
    salt: bytes(s.salt, 'salt', SALT_BYTES),
    iv: bytes(s.iv, 'slot iv', AES_GCM_IV_BYTES),
    wrappedKey: bytes(s.wrappedKey, 'wrappedKey', AES_GCM_KEY_BYTES + AES_GCM_TAG_BYTES),
  };
}

function record(json: unknown, keys: string[], what: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidKeyBackupError(`${what} must be an object`);
  const o = json as Record<string, unknown>;
  if (Object.keys(o).length !== keys.length || !keys.every((k) => k in o)) throw new InvalidKeyBackupError(`${what} has unexpected members`);
  return o;
}

function bytes(value: unknown, what: string, length?: number): Bytes {
  let out: Bytes;
  try {
    if (typeof value !== 'string') throw new TypeError('not a string');
    out = fromBase64Url(value);
  } catch (err) {
    throw new InvalidKeyBackupError(`${what} must be base64url`, { cause: err });
  }
  if (length !== undefined && out.length !== length) throw new InvalidKeyBackupError(`${what} must be ${length} bytes`);
  return out;
}
