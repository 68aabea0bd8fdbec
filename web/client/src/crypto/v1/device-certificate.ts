/**
 * Device certificates: the user's identity key (ECDSA P-256) signs, for each of the user's devices, the device's
 * ECDH key (what sender keys are encrypted to) and its signing key (what signs sender-key distributions).
 * A client checks this chain with `verifyDeviceCertificate` before it uses any key of a device; everything that
 * needs a peer device's keys takes a `VerifiedDevice`, which only that function makes.
 *
 * Signed bytes (docs/protocol-v1.md, "Device certificate"), all fixed-length, so the encoding is canonical:
 *
 *   label("cipherlink/v1/device-certificate") || u8 version (1) || userId (16) || deviceId (16)
 *   || ecdhPublicKey (65) || signingPublicKey (65) || u64 createdAt (ms since the Unix epoch)
 */
import { fromBase64Url, toBase64Url } from '../base64url';
import { ByteWriter, bytesEqual, canonicalUuid, isUuid } from './bytes';
import { signEcdsaP256, verifyEcdsaP256 } from './ecdsa';
import { InvalidDeviceCertificateError, InvalidPublicKeyError } from './errors';
import { LABELS } from './labels';
import { importP256PublicKey, P256_RAW_PUBLIC_KEY_BYTES, validateRawP256PublicKey } from './public-key';
import type { Bytes } from './webcrypto';

export const DEVICE_CERTIFICATE_VERSION = 1;

/** What the identity key vouches for. */
export interface DeviceCertificateFields {
  userId: string;
  deviceId: string;
  /** The device's ECDH P-256 public key, 65-byte uncompressed point. */
  ecdhPublicKey: Uint8Array;
  /** The device's ECDSA P-256 public key, 65-byte uncompressed point. */
  signingPublicKey: Uint8Array;
  /** Milliseconds since the Unix epoch, as the signing device saw it (informational: shown, not trusted for order). */
  createdAt: number;
}

export interface DeviceCertificate extends DeviceCertificateFields {
  /** ECDSA P-256 / SHA-256 (P1363, 64 bytes) by the identity key over `deviceCertificateBytes(fields)`. */
  signature: Uint8Array;
}

/** The JSON form that travels (binary fields unpadded base64url). */
export interface DeviceCertificateJson {
  v: 1;
  userId: string;
  deviceId: string;
  ecdhPublicKey: string;
  signingPublicKey: string;
  createdAt: number;
  sig: string;
}

declare const verifiedDevice: unique symbol;

/** A device whose certificate verified under its user's identity key; its public keys are imported and validated. */
export interface VerifiedDevice {
  readonly userId: string;
  readonly deviceId: string;
  readonly createdAt: number;
  /** The identity key that signed the certificate (what safety numbers are computed over). */
  readonly identityPublicKeyRaw: Bytes;
  readonly ecdhPublicKey: CryptoKey;
  readonly ecdhPublicKeyRaw: Bytes;
  readonly signingPublicKey: CryptoKey;
  readonly signingPublicKeyRaw: Bytes;
  readonly [verifiedDevice]: true;
}

/** The canonical bytes the identity key signs (see the module comment). */
export function deviceCertificateBytes(fields: DeviceCertificateFields): Bytes {
  return new ByteWriter()
    .label(LABELS.deviceCertificate)
    .u8(DEVICE_CERTIFICATE_VERSION)
    .uuid(fields.userId, 'user id')
    .uuid(fields.deviceId, 'device id')
    .raw(validateRawP256PublicKey(fields.ecdhPublicKey))
    .raw(validateRawP256PublicKey(fields.signingPublicKey))
    .u64(fields.createdAt)
    .bytes();
}

/** Sign a device's keys with the identity private key (ECDSA P-256, usage "sign"). */
export async function signDeviceCertificate(identityPrivateKey: CryptoKey, fields: DeviceCertificateFields): Promise<DeviceCertificate> {
  const copy: DeviceCertificateFields = {
    userId: canonicalUuid(fields.userId, 'user id'),
    deviceId: canonicalUuid(fields.deviceId, 'device id'),
    ecdhPublicKey: new Uint8Array(fields.ecdhPublicKey),
    signingPublicKey: new Uint8Array(fields.signingPublicKey),
    createdAt: fields.createdAt,
  };
  if (bytesEqual(copy.ecdhPublicKey, copy.signingPublicKey)) throw new InvalidDeviceCertificateError('a device uses different keys for ECDH and signing');
  return { ...copy, signature: await signEcdsaP256(identityPrivateKey, deviceCertificateBytes(copy)) };
}

export interface ExpectedDevice {
  /** The user the caller believes the device belongs to (from the directory or the message's routing). */
  userId?: string;
  deviceId?: string;
}

/**
 * Check a device certificate against the user's identity public key (65-byte point; the one the safety number
 * covers): every key is validated as a P-256 point and imported, the signature must verify, and the user and
 * device ids must be the expected ones. Throws InvalidDeviceCertificateError; never returns an unchecked device.
 */
export async function verifyDeviceCertificate(identityPublicKey: Uint8Array, cert: DeviceCertificate, expected: ExpectedDevice = {}): Promise<VerifiedDevice> {
  let bytes: Bytes;
  let identityKey: CryptoKey;
  let ecdhPublicKey: CryptoKey;
  let signingPublicKey: CryptoKey;
  try {
    bytes = deviceCertificateBytes(cert);
    identityKey = await importP256PublicKey(identityPublicKey, 'ECDSA');
    ecdhPublicKey = await importP256PublicKey(cert.ecdhPublicKey, 'ECDH');
    signingPublicKey = await importP256PublicKey(cert.signingPublicKey, 'ECDSA');
  } catch (err) {
    const what = err instanceof InvalidPublicKeyError ? 'a key is not a valid P-256 point' : 'the certificate is malformed';
    throw new InvalidDeviceCertificateError(what, { cause: err });
  }
  if (bytesEqual(cert.ecdhPublicKey, cert.signingPublicKey) || bytesEqual(cert.signingPublicKey, identityPublicKey)) {
    throw new InvalidDeviceCertificateError('a device key is reused for another purpose');
  }
  if (!(cert.signature instanceof Uint8Array) || !(await verifyEcdsaP256(identityKey, bytes, cert.signature))) {
    throw new InvalidDeviceCertificateError('the identity signature does not verify');
  }
  const userId = cert.userId.toLowerCase();
  const deviceId = cert.deviceId.toLowerCase();
  if (expected.userId !== undefined && expected.userId.toLowerCase() !== userId) throw new InvalidDeviceCertificateError('the certificate is for another user');
  if (expected.deviceId !== undefined && expected.deviceId.toLowerCase() !== deviceId) throw new InvalidDeviceCertificateError('the certificate is for another device');
  return {
    userId,
    deviceId,
    createdAt: cert.createdAt,
    identityPublicKeyRaw: new Uint8Array(identityPublicKey),
    ecdhPublicKey,
    ecdhPublicKeyRaw: new Uint8Array(cert.ecdhPublicKey),
    signingPublicKey,
    signingPublicKeyRaw: new Uint8Array(cert.signingPublicKey),
  } as VerifiedDevice;
}

export function deviceCertificateToJson(cert: DeviceCertificate): DeviceCertificateJson {
  return {
    v: 1,
    userId: canonicalUuid(cert.userId, 'user id'),
    deviceId: canonicalUuid(cert.deviceId, 'device id'),
    ecdhPublicKey: toBase64Url(cert.ecdhPublicKey),
    signingPublicKey: toBase64Url(cert.signingPublicKey),
    createdAt: cert.createdAt,
    sig: toBase64Url(cert.signature),
  };
}

const JSON_KEYS = ['v', 'userId', 'deviceId', 'ecdhPublicKey', 'signingPublicKey', 'createdAt', 'sig'];

/**
 * Parse the JSON form strictly (exact members, UUIDs, canonical base64url of the right lengths). The result still
 * has to go through `verifyDeviceCertificate`; parsing checks shape, not trust.
 */
export function deviceCertificateFromJson(json: unknown): DeviceCertificate {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidDeviceCertificateError('certificate must be an object');
  const j = json as Record<string, unknown>;
  const keys = Object.keys(j);
  if (keys.length !== JSON_KEYS.length || !JSON_KEYS.every((k) => k in j)) throw new InvalidDeviceCertificateError('certificate has unexpected members');
  if (j.v !== DEVICE_CERTIFICATE_VERSION) throw new InvalidDeviceCertificateError('unsupported certificate version');
  if (!isUuid(j.userId) || !isUuid(j.deviceId)) throw new InvalidDeviceCertificateError('certificate ids must be UUIDs');
  if (typeof j.createdAt !== 'number' || !Number.isSafeInteger(j.createdAt) || j.createdAt < 0) throw new InvalidDeviceCertificateError('createdAt must be a timestamp in ms');
  return {
    userId: j.userId.toLowerCase(),
    deviceId: j.deviceId.toLowerCase(),
    ecdhPublicKey: jsonBytes(j.ecdhPublicKey, P256_RAW_PUBLIC_KEY_BYTES, 'ecdhPublicKey'),
    signingPublicKey: jsonBytes(j.signingPublicKey, P256_RAW_PUBLIC_KEY_BYTES, 'signingPublicKey'),
    createdAt: j.createdAt,
    signature: jsonBytes(j.sig, 64, 'sig'),
  };
}

function jsonBytes(value: unknown, length: number, what: string): Bytes {
  try {
    if (typeof value !== 'string') throw new TypeError('not a string');
    const bytes = fromBase64Url(value);
    if (bytes.length !== length) throw new RangeError(`not ${length} bytes`);
    return bytes;
  } catch (err) {
    throw new InvalidDeviceCertificateError(`${what} must be base64url of ${length} bytes`, { cause: err });
  }
}
