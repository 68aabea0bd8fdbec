/**
 * Sender-key distribution: a SenderKeyShare delivered to one member device, encrypted to that device's ECDH key
 * and signed by the sending device's signing key (docs/protocol-v1.md, "Sender-key distribution").
 *
 *   header = label("cipherlink/v1/sender-key-distribution") || u8 version (1) || conversationId (16) || u32 epoch
 *            || senderUserId (16) || senderDeviceId (16) || recipientUserId (16) || recipientDeviceId (16)
 *            || ephemeralPublicKey (65) || recipientEcdhPublicKey (65)
 *   secret = ECDH(ephemeral private key, recipient device ECDH public key)
 *   key    = HKDF-SHA-256(ikm = secret, salt = empty, info = header, 32 bytes)  -> AES-256-GCM
 *   body   = u8 version (1) || u32 chainIndex || chainKey (32) || signingPublicKey (65)
 *   ct     = AES-256-GCM(key, iv = 12 random bytes, additional data = header, body)   -- 118 bytes
 *   sig    = ECDSA-P256(sender device signing key, label("cipherlink/v1/sender-key-distribution-signature")
 *            || header || iv || ct)
 *   blob   = u8 version (1) || conversationId || u32 epoch || senderUserId || senderDeviceId || recipientUserId
 *            || recipientDeviceId || ephemeralPublicKey || iv || ct || sig       -- 344 bytes, sent as base64url
 *
 * The recipient's ECDH public key is not in the blob (the recipient knows it) but is in the header, so the blob
 * is bound to that exact key. A fresh ephemeral key per blob means the sender keeps no secret for it afterwards.
 */
import { fromBase64Url, toBase64Url } from '../base64url';
import { AES_GCM_IV_BYTES, AES_GCM_TAG_BYTES, decryptAesGcm, encryptAesGcm, generateIv, importAesGcmKey } from './aead';
import { ByteReader, ByteWriter, canonicalUuid } from './bytes';
import { CHAIN_KEY_BYTES } from './chain';
import type { VerifiedDevice } from './device-certificate';
import { deriveEcdhSecret } from './ecdh';
import { ECDSA_P256_SIGNATURE_BYTES, signEcdsaP256, verifyEcdsaP256 } from './ecdsa';
import { CryptoParameterError, InvalidSenderKeyDistributionError } from './errors';
import { hkdfSha256 } from './hkdf';
import type { LocalDevice } from './identity';
import { generateEcdhKeyPair } from './key-pair';
import { LABELS } from './labels';
import { importP256PublicKey, P256_RAW_PUBLIC_KEY_BYTES } from './public-key';
import { checkSenderKeyShare, type SenderKeyShare } from './sender-key';
import type { Bytes } from './webcrypto';

export const DISTRIBUTION_VERSION = 1;
const BODY_BYTES = 1 + 4 + CHAIN_KEY_BYTES + P256_RAW_PUBLIC_KEY_BYTES;
const CIPHERTEXT_BYTES = BODY_BYTES + AES_GCM_TAG_BYTES;
/** Length of a distribution blob in bytes. */
export const DISTRIBUTION_BYTES = 1 + 16 + 4 + 4 * 16 + P256_RAW_PUBLIC_KEY_BYTES + AES_GCM_IV_BYTES + CIPHERTEXT_BYTES + ECDSA_P256_SIGNATURE_BYTES;

/** The clear routing fields of a distribution (readable before opening it, to find the sender's certificate). */
export interface DistributionRouting {
  conversationId: string;
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  recipientUserId: string;
  recipientDeviceId: string;
}

/** The device keys a sender or recipient of a distribution uses. */
export type DistributionParty = Pick<LocalDevice, 'userId' | 'deviceId' | 'ecdh' | 'signing'>;

interface ParsedDistribution {
  routing: DistributionRouting;
  ephemeralPublicKey: Bytes;
  iv: Bytes;
  ciphertext: Bytes;
  signature: Bytes;
}

/** The header: AES-GCM additional data and HKDF info. */
export function distributionHeaderBytes(routing: DistributionRouting, ephemeralPublicKey: Uint8Array, recipientEcdhPublicKey: Uint8Array): Bytes {
  return new ByteWriter()
    .label(LABELS.distributionHeader)
    .u8(DISTRIBUTION_VERSION)
    .uuid(routing.conversationId, 'conversation id')
    .u32(routing.epoch)
    .uuid(routing.senderUserId, 'sender user id')
    .uuid(routing.senderDeviceId, 'sender device id')
    .uuid(routing.recipientUserId, 'recipient user id')
    .uuid(routing.recipientDeviceId, 'recipient device id')
    .raw(fixed(ephemeralPublicKey, P256_RAW_PUBLIC_KEY_BYTES))
    .raw(fixed(recipientEcdhPublicKey, P256_RAW_PUBLIC_KEY_BYTES))
    .bytes();
}

/** What the sending device signs. */
export function distributionSignedBytes(header: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Bytes {
  return new ByteWriter().label(LABELS.distributionSignature).raw(header).raw(iv).raw(ciphertext).bytes();
}

/** The 32-byte AES-256-GCM key of a distribution, from the ECDH secret and the header. */
export function distributionKeyBytes(ecdhSecret: Uint8Array, header: Uint8Array): Promise<Bytes> {
  return hkdfSha256(ecdhSecret, { salt: new Uint8Array(0), info: header, byteLength: 32 });
}

/**
 * Encrypt `share` to `recipient` (a device whose certificate verified) and sign it as `sender` (this device).
 * Returns the base64url blob. The share must be a key of the sending device.
 */
export async function sealSenderKeyDistribution(share: SenderKeyShare, sender: DistributionParty, recipient: VerifiedDevice): Promise<string> {
  const s = checkSenderKeyShare(share);
  if (s.senderDeviceId !== canonicalUuid(sender.deviceId, 'sender device id') || s.senderUserId !== canonicalUuid(sender.userId, 'sender user id')) {
    throw new CryptoParameterError('a device distributes only its own sender keys');
  }
  const routing: DistributionRouting = {
    conversationId: s.conversationId,
    epoch: s.epoch,
    senderUserId: s.senderUserId,
    senderDeviceId: s.senderDeviceId,
    recipientUserId: recipient.userId,
    recipientDeviceId: recipient.deviceId,
  };
  const ephemeral = await generateEcdhKeyPair();
  const header = distributionHeaderBytes(routing, ephemeral.publicKeyRaw, recipient.ecdhPublicKeyRaw);
  const secret = await deriveEcdhSecret(ephemeral.privateKey, recipient.ecdhPublicKey);
  const keyBytes = await distributionKeyBytes(secret, header);
  secret.fill(0);
  const key = await importAesGcmKey(keyBytes);
  keyBytes.fill(0);
  const body = new ByteWriter().u8(DISTRIBUTION_VERSION).u32(s.chainIndex).raw(s.chainKey).raw(s.signingPublicKey).bytes();
  const iv = generateIv();
  const ciphertext = await encryptAesGcm(key, { iv, additionalData: header, plaintext: body });
  body.fill(0);
  const signature = await signEcdsaP256(sender.signing.privateKey, distributionSignedBytes(header, iv, ciphertext));
  const blob = new ByteWriter()
    .u8(DISTRIBUTION_VERSION)
    .uuid(routing.conversationId, 'conversation id')
    .u32(routing.epoch)
    .uuid(routing.senderUserId, 'sender user id')
    .uuid(routing.senderDeviceId, 'sender device id')
    .uuid(routing.recipientUserId, 'recipient user id')
    .uuid(routing.recipientDeviceId, 'recipient device id')
    .raw(ephemeral.publicKeyRaw)
    .raw(iv)
    .raw(ciphertext)
    .raw(signature)
    .bytes();
  return toBase64Url(blob);
}

/** The routing fields of a blob, unauthenticated (to pick the sender's certificate; `open` checks them all). */
export function peekSenderKeyDistribution(blob: string): DistributionRouting {
  return parseDistribution(blob).routing;
}

/**
 * Open a distribution addressed to this device (`recipient`), sent by `sender` (a device whose certificate
 * verified). Checks, in order: shape, addressing, the sender's signature, then decryption. Throws
 * InvalidSenderKeyDistributionError; returns the share only if every check passed.
 */
export async function openSenderKeyDistribution(blob: string, recipient: DistributionParty, sender: VerifiedDevice): Promise<SenderKeyShare> {
  const { routing, ephemeralPublicKey, iv, ciphertext, signature } = parseDistribution(blob);
  if (routing.recipientDeviceId !== canonicalUuid(recipient.deviceId, 'device id') || routing.recipientUserId !== canonicalUuid(recipient.userId, 'user id')) {
    throw new InvalidSenderKeyDistributionError('the distribution is addressed to another device');
  }
  if (routing.senderDeviceId !== sender.deviceId || routing.senderUserId !== sender.userId) {
    throw new InvalidSenderKeyDistributionError('the distribution names another sender device');
  }
  const header = distributionHeaderBytes(routing, ephemeralPublicKey, recipient.ecdh.publicKeyRaw);
  if (!(await verifyEcdsaP256(sender.signingPublicKey, distributionSignedBytes(header, iv, ciphertext), signature))) {
    throw new InvalidSenderKeyDistributionError('the sender signature does not verify');
  }
  let body: Bytes;
  try {
    const ephemeral = await importP256PublicKey(ephemeralPublicKey, 'ECDH');
    const secret = await deriveEcdhSecret(recipient.ecdh.privateKey, ephemeral);
    const keyBytes = await distributionKeyBytes(secret, header);
    secret.fill(0);
    const key = await importAesGcmKey(keyBytes);
    keyBytes.fill(0);
    body = await decryptAesGcm(key, { iv, additionalData: header, ciphertext });
  } catch (err) {
    throw new InvalidSenderKeyDistributionError('the distribution does not decrypt', { cause: err });
  }
  try {
    const r = new ByteReader(body);
    if (r.u8() !== DISTRIBUTION_VERSION) throw new RangeError('unknown body version');
    const chainIndex = r.u32();
    const chainKey = r.take(CHAIN_KEY_BYTES);
    const signingPublicKey = r.take(P256_RAW_PUBLIC_KEY_BYTES);
    r.end();
    return checkSenderKeyShare({
      conversationId: routing.conversationId,
      epoch: routing.epoch,
      senderUserId: routing.senderUserId,
      senderDeviceId: routing.senderDeviceId,
      chainIndex,
      chainKey,
      signingPublicKey,
    });
  } catch (err) {
    throw new InvalidSenderKeyDistributionError('the distribution body is invalid', { cause: err });
  } finally {
    body.fill(0);
  }
}

function parseDistribution(blob: string): ParsedDistribution {
  try {
    if (typeof blob !== 'string') throw new TypeError('blob must be a string');
    const bytes = fromBase64Url(blob);
    if (bytes.length !== DISTRIBUTION_BYTES) throw new RangeError(`blob must be ${DISTRIBUTION_BYTES} bytes`);
    const r = new ByteReader(bytes);
    if (r.u8() !== DISTRIBUTION_VERSION) throw new RangeError('unknown distribution version');
    const routing: DistributionRouting = {
      conversationId: r.uuid(),
      epoch: r.u32(),
      senderUserId: r.uuid(),
      senderDeviceId: r.uuid(),
      recipientUserId: r.uuid(),
      recipientDeviceId: r.uuid(),
    };
    const parsed = {
      routing,
      ephemeralPublicKey: r.take(P256_RAW_PUBLIC_KEY_BYTES),
      iv: r.take(AES_GCM_IV_BYTES),
      ciphertext: r.take(CIPHERTEXT_BYTES),
      signature: r.take(ECDSA_P256_SIGNATURE_BYTES),
    };
    r.end();
    return parsed;
  } catch (err) {
    throw new InvalidSenderKeyDistributionError('the distribution is malformed', { cause: err });
  }
}

function fixed(bytes: Uint8Array, length: number): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new CryptoParameterError(`expected ${length} bytes`);
  return bytes;
}
