import { verify } from 'node:crypto';
import { InvalidPointError, parseRawP256Point } from './raw-point';

/** Domain-separation label of device certificates (web/client/src/crypto/v1/labels.ts). */
export const DEVICE_CERTIFICATE_LABEL = 'cipherlink/v1/device-certificate';
export const DEVICE_CERTIFICATE_VERSION = 1;
const SIGNATURE_BYTES = 64;

/** What an identity key vouches for (wire form: base64url points, ms timestamp). */
export interface DeviceCertificateFields {
  userId: string;
  deviceId: string;
  ecdhKey: string;
  signingKey: string;
  certifiedAt: number;
}

export type CertificateCheck = { ok: true } | { ok: false; reason: string };

/**
 * The bytes the identity key signs, exactly as the client builds them (web/client/src/crypto/v1/device-certificate.ts):
 *
 *   u8(len) || "cipherlink/v1/device-certificate" || u8 1 || userId (16) || deviceId (16)
 *   || ecdhKey (65) || signingKey (65) || u64 certifiedAt (big-endian ms)
 *
 * Every field has a fixed length, so the encoding is canonical.
 */
export function deviceCertificateBytes(fields: { userId: string; deviceId: string; ecdhKey: Buffer; signingKey: Buffer; certifiedAt: number }): Buffer {
  if (!Number.isSafeInteger(fields.certifiedAt) || fields.certifiedAt < 0) throw new RangeError('certifiedAt must be a non-negative safe integer');
  const certifiedAt = Buffer.alloc(8);
  certifiedAt.writeBigUInt64BE(BigInt(fields.certifiedAt));
  return Buffer.concat([
    Buffer.from([DEVICE_CERTIFICATE_LABEL.length]),
    Buffer.from(DEVICE_CERTIFICATE_LABEL, 'ascii'),
    Buffer.from([DEVICE_CERTIFICATE_VERSION]),
    uuidBytes(fields.userId),
    uuidBytes(fields.deviceId),
    fields.ecdhKey,
    fields.signingKey,
    certifiedAt,
  ]);
}

/**
 * Check a device certificate as the client will (an early refusal of junk, not a substitute for the client's own
 * check): every key is a valid P-256 point, the device uses different keys for ECDH and signing and neither is the
 * identity key, and the identity key's ECDSA P-256 / SHA-256 signature (P1363, 64 bytes) verifies.
 */
export function checkDeviceCertificate(identityKey: string, fields: DeviceCertificateFields, certificate: string): CertificateCheck {
  let bytes: Buffer;
  let identity: ReturnType<typeof parseRawP256Point>;
  try {
    identity = parseRawP256Point(identityKey, 'identity key');
    const ecdh = parseRawP256Point(fields.ecdhKey, 'ecdhKey');
    const signing = parseRawP256Point(fields.signingKey, 'signingKey');
    if (ecdh.raw.equals(signing.raw) || ecdh.raw.equals(identity.raw) || signing.raw.equals(identity.raw)) {
      return { ok: false, reason: 'a device key is reused for another purpose' };
    }
    bytes = deviceCertificateBytes({ ...fields, ecdhKey: ecdh.raw, signingKey: signing.raw });
  } catch (err) {
    if (err instanceof InvalidPointError) return { ok: false, reason: err.message };
    throw err;
  }
  const signature = Buffer.from(certificate, 'base64url');
  if (signature.length !== SIGNATURE_BYTES) return { ok: false, reason: 'certificate must be a 64-byte signature' };
  const valid = verify('sha256', bytes, { key: identity.key, dsaEncoding: 'ieee-p1363' }, signature);
  return valid ? { ok: true } : { ok: false, reason: 'the certificate does not verify under the identity key' };
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError('not a UUID');
  return Buffer.from(hex, 'hex');
}
