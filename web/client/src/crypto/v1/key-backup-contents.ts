/**
 * What a key backup holds, and its plaintext encoding (UTF-8 JSON, binary fields unpadded base64url), parsed
 * strictly: exact members, UUIDs, sizes and valid P-256 points. Decoding errors are InvalidKeyBackupError.
 */
import { fromBase64Url, toBase64Url } from '../base64url';
import { canonicalUuid, fromUtf8, isUuid, utf8 } from './bytes';
import { CryptoParameterError, InvalidKeyBackupError } from './errors';
import type { IdentityKeyExport } from './identity';
import { validateRawP256PublicKey } from './public-key';
import { checkSenderKeyShare, type SenderKeyShare } from './sender-key';
import { ownBytesOfLength, type Bytes } from './webcrypto';

const CONTENTS_VERSION = 1;

export interface KeyBackupContents {
  userId: string;
  /** Milliseconds since the Unix epoch. */
  createdAt: number;
  /** The identity key pair (identity.ts `exportIdentityKeyForBackup`). */
  identity: IdentityKeyExport;
  /** Read access to history: every inbound sender key from its earliest kept position, own ones included. */
  senderKeys: SenderKeyShare[];
}

export function encodeBackupContents(contents: KeyBackupContents): Bytes {
  if (!Number.isSafeInteger(contents.createdAt) || contents.createdAt < 0) throw new CryptoParameterError('createdAt must be a timestamp in ms');
  const json = {
    v: CONTENTS_VERSION,
    userId: canonicalUuid(contents.userId, 'user id'),
    createdAt: contents.createdAt,
    identity: {
      privateScalar: toBase64Url(ownBytesOfLength(contents.identity.privateScalar, 32, 'identity private scalar')),
      publicKey: toBase64Url(validateRawP256PublicKey(contents.identity.publicKey)),
    },
    senderKeys: contents.senderKeys.map((share) => {
      const s = checkSenderKeyShare(share);
      return {
        conversationId: s.conversationId,
        epoch: s.epoch,
        senderUserId: s.senderUserId,
        senderDeviceId: s.senderDeviceId,
        chainIndex: s.chainIndex,
        chainKey: toBase64Url(s.chainKey),
        signingPublicKey: toBase64Url(s.signingPublicKey),
      };
    }),
  };
  return utf8(JSON.stringify(json));
}

export function decodeBackupContents(bytes: Uint8Array): KeyBackupContents {
  try {
    const o = exact(JSON.parse(fromUtf8(bytes)), ['v', 'userId', 'createdAt', 'identity', 'senderKeys']);
    if (o.v !== CONTENTS_VERSION) throw new RangeError('unsupported contents version');
    if (!isUuid(o.userId)) throw new TypeError('userId must be a UUID');
    if (typeof o.createdAt !== 'number' || !Number.isSafeInteger(o.createdAt) || o.createdAt < 0) throw new TypeError('createdAt must be a timestamp');
    const identity = exact(o.identity, ['privateScalar', 'publicKey']);
    if (!Array.isArray(o.senderKeys)) throw new TypeError('senderKeys must be an array');
    return {
      userId: o.userId.toLowerCase(),
      createdAt: o.createdAt,
      identity: {
        privateScalar: ownBytesOfLength(b64(identity.privateScalar), 32, 'identity private scalar'),
        publicKey: validateRawP256PublicKey(b64(identity.publicKey)),
      },
      senderKeys: o.senderKeys.map((k: unknown) => {
        const s = exact(k, ['conversationId', 'epoch', 'senderUserId', 'senderDeviceId', 'chainIndex', 'chainKey', 'signingPublicKey']);
        for (const id of [s.conversationId, s.senderUserId, s.senderDeviceId]) if (!isUuid(id)) throw new TypeError('sender key ids must be UUIDs');
        return checkSenderKeyShare({
          conversationId: s.conversationId as string,
          epoch: s.epoch as number,
          senderUserId: s.senderUserId as string,
          senderDeviceId: s.senderDeviceId as string,
          chainIndex: s.chainIndex as number,
          chainKey: b64(s.chainKey),
          signingPublicKey: b64(s.signingPublicKey),
        });
      }),
    };
  } catch (err) {
    throw new InvalidKeyBackupError('the backup contents are invalid', { cause: err });
  }
}

function exact(json: unknown, keys: string[]): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TypeError('expected an object');
  const o = json as Record<string, unknown>;
  if (Object.keys(o).length !== keys.length || !keys.every((k) => k in o)) throw new TypeError('unexpected members');
  return o;
}

function b64(value: unknown): Bytes {
  if (typeof value !== 'string') throw new TypeError('expected base64url');
  return fromBase64Url(value);
}
