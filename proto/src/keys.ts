import { z } from 'zod';
import { base64UrlOfAtMostBytes, base64UrlOfBytes, Epoch, Timestamp, Uuid } from './common';
import { ConversationKind, MemberRole, RawP256PublicKey } from './directory';

/**
 * Protocol v1 key material the servers hold: public keys, certificates, opaque sender-key distributions and the
 * encrypted key backup. Nothing here is secret to the server; every private key stays on the devices, and the
 * backup and the distributions are ciphertext only the user's devices can open (docs/protocol.md, "Protocol v1").
 */

/** An ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r || s, 64 bytes), base64url. */
export const EcdsaP256Signature = base64UrlOfBytes(64);

/** Milliseconds since the Unix epoch, as the client signs them (u64 in signed structures). */
export const UnixMillis = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

// ---- identity key ----

/** PUT /api/directory/identity: the user's identity public key (ECDSA P-256, raw 65-byte point). */
export const SetIdentityKeyRequest = z.object({ identityKey: RawP256PublicKey }).strict();
export type SetIdentityKeyRequest = z.infer<typeof SetIdentityKeyRequest>;

/** The user's identity key. `identityKeyVersion` starts at 1 and grows by one each time the key is replaced. */
export const IdentityKeyResponse = z.object({
  userId: Uuid,
  identityKey: RawP256PublicKey,
  identityKeyVersion: z.number().int().positive(),
  identityKeyChangedAt: Timestamp,
});
export type IdentityKeyResponse = z.infer<typeof IdentityKeyResponse>;

// ---- device keys (protocol v1) ----

/**
 * POST /api/directory/devices (v1): a device's ECDH key (what distributions are encrypted to), its signing key (what
 * signs them) and the identity key's signature over both. The device id is chosen by the client (a random UUID)
 * because the certificate signs it: the server verifies the certificate over
 * `label("cipherlink/v1/device-certificate") || u8 1 || userId || deviceId || ecdhKey || signingKey || u64 certifiedAt`
 * under the user's current identity key before storing anything.
 */
export const RegisterDeviceV1Request = z
  .object({
    deviceId: Uuid,
    ecdhKey: RawP256PublicKey,
    signingKey: RawP256PublicKey,
    certificate: EcdsaP256Signature,
    certifiedAt: UnixMillis,
  })
  .strict();
export type RegisterDeviceV1Request = z.infer<typeof RegisterDeviceV1Request>;

/** A v1 device as others see it: public keys and the identity key's certificate (clients verify it again). */
export const CertifiedDevice = z.object({
  deviceId: Uuid,
  ecdhKey: RawP256PublicKey,
  signingKey: RawP256PublicKey,
  certificate: EcdsaP256Signature,
  certifiedAt: UnixMillis,
  /** When the server registered it. */
  createdAt: Timestamp,
});
export type CertifiedDevice = z.infer<typeof CertifiedDevice>;

export const CertifiedDeviceResponse = z.object({ device: CertifiedDevice });
export type CertifiedDeviceResponse = z.infer<typeof CertifiedDeviceResponse>;

/** Path parameters of DELETE /api/directory/devices/:deviceId. */
export const DeviceParams = z.object({ deviceId: Uuid }).strict();

/**
 * GET /api/directory/users/:userId/keys: a user's identity key and certified (v1) devices. `identityKey` is null and
 * the version 0 for a user who has not set one yet (a v0-only user). Visible to the user and to users who share a
 * conversation with them; anyone else gets the same 404 as for an unknown user.
 */
export const UserKeysResponse = z.object({
  userId: Uuid,
  identityKey: RawP256PublicKey.nullable(),
  identityKeyVersion: z.number().int().nonnegative(),
  identityKeyChangedAt: Timestamp.nullable(),
  devices: z.array(CertifiedDevice),
});
export type UserKeysResponse = z.infer<typeof UserKeysResponse>;

/** One member of a conversation with what a sender needs to distribute keys to them. */
export const MemberKeys = z.object({
  userId: Uuid,
  username: z.string(),
  role: MemberRole,
  joinedAt: Timestamp,
  identityKey: RawP256PublicKey.nullable(),
  identityKeyVersion: z.number().int().nonnegative(),
  devices: z.array(CertifiedDevice),
});
export type MemberKeys = z.infer<typeof MemberKeys>;

/**
 * GET /api/directory/conversations/:conversationId/members: the current members, their roles and their certified
 * devices, at `membershipVersion`. Members only; anyone else gets 404.
 */
export const ConversationMembersResponse = z.object({
  conversationId: Uuid,
  kind: ConversationKind,
  membershipVersion: z.number().int().nonnegative(),
  members: z.array(MemberKeys),
});
export type ConversationMembersResponse = z.infer<typeof ConversationMembersResponse>;

// ---- encrypted key backup ----

/** Largest key backup, in bytes (before base64url). */
export const MAX_KEY_BACKUP_BYTES = 1024 * 1024;
/** The encrypted backup: opaque to the server (the client encrypts it under a recovery key or passphrase). */
export const KeyBackupBlob = base64UrlOfAtMostBytes(MAX_KEY_BACKUP_BYTES);

/**
 * PUT /api/directory/key-backup. Optimistic concurrency: `version` must be the stored version + 1 (1 when there is
 * none); otherwise 409 `conflict` with `KeyBackupConflictDetails` in `error.details`.
 */
export const PutKeyBackupRequest = z.object({ version: z.number().int().min(1).max(2_147_483_647), blob: KeyBackupBlob }).strict();
export type PutKeyBackupRequest = z.infer<typeof PutKeyBackupRequest>;

/** PUT answers with the stored version (200). */
export const KeyBackupVersionResponse = z.object({ version: z.number().int().positive(), updatedAt: Timestamp });
export type KeyBackupVersionResponse = z.infer<typeof KeyBackupVersionResponse>;

/** GET /api/directory/key-backup (own backup only; 404 when there is none). */
export const KeyBackupResponse = z.object({ version: z.number().int().positive(), blob: KeyBackupBlob, updatedAt: Timestamp });
export type KeyBackupResponse = z.infer<typeof KeyBackupResponse>;

/** `error.details` of a 409 from PUT /api/directory/key-backup: the version the server holds (0: none). */
export const KeyBackupConflictDetails = z.object({ currentVersion: z.number().int().nonnegative() });
export type KeyBackupConflictDetails = z.infer<typeof KeyBackupConflictDetails>;

// ---- sender-key distribution packages ----

/** Largest sender-key distribution blob, in bytes (a v1 distribution is 344 bytes). */
export const MAX_KEY_PACKAGE_BLOB_BYTES = 4096;
/** Most packages in one `keys.distribute` frame (the 64 KiB frame cap binds first: about 120 v1 blobs of 344 bytes fit). */
export const MAX_KEY_PACKAGES_PER_FRAME = 500;
/** Packages are kept at least this long (a device offline for weeks still finds the keys sent to it). */
export const MIN_KEY_PACKAGE_RETENTION_DAYS = 30;

/** Most conversations one `keys.request` frame may name. */
export const MAX_KEY_REQUEST_CONVERSATIONS = 500;

export const KeyPackageBlob = base64UrlOfAtMostBytes(MAX_KEY_PACKAGE_BLOB_BYTES);

/** One distribution addressed to one device, as a sender uploads it. */
export const KeyPackageUpload = z.object({ recipientDeviceId: Uuid, blob: KeyPackageBlob }).strict();
export type KeyPackageUpload = z.infer<typeof KeyPackageUpload>;

/** The packages of one upload: 1..MAX_KEY_PACKAGES_PER_FRAME, to distinct recipient devices. */
export const KeyPackageUploads = z
  .array(KeyPackageUpload)
  .min(1)
  .max(MAX_KEY_PACKAGES_PER_FRAME)
  .refine((ps) => new Set(ps.map((p) => p.recipientDeviceId.toLowerCase())).size === ps.length, 'recipient devices must be distinct');

/**
 * A stored distribution, as its recipient device receives it. `seq` is per recipient device (1, 2, 3, ...), so a
 * device fetches what it missed with `afterSeq`. The sender fields come from the sender's authenticated socket.
 */
export const KeyPackage = z.object({
  seq: z.number().int().positive(),
  recipientDeviceId: Uuid,
  conversationId: Uuid,
  epoch: Epoch,
  senderUserId: Uuid,
  senderDeviceId: Uuid,
  blob: KeyPackageBlob,
  createdAt: Timestamp,
});
export type KeyPackage = z.infer<typeof KeyPackage>;

/** GET /api/messages/key-packages?deviceId=&afterSeq=&limit=: the caller's own device only. */
export const KeyPackagesQuery = z
  .object({
    deviceId: Uuid,
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type KeyPackagesQuery = z.infer<typeof KeyPackagesQuery>;

export const KeyPackagesResponse = z.object({ packages: z.array(KeyPackage), hasMore: z.boolean() });
export type KeyPackagesResponse = z.infer<typeof KeyPackagesResponse>;
