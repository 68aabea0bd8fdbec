/**
 * A sender key (Signal's sender keys, Matrix's Megolm sessions): one per sending device, conversation and epoch.
 * It is a hash chain (chain.ts) whose message keys encrypt that device's messages in that conversation, plus an
 * ECDSA P-256 key pair whose private half signs every message, so members who can decrypt still cannot forge
 * each other's messages.
 *
 * `SenderKeyShare` is what a reader needs: the chain from some index on and the signing public key. It is what a
 * distribution carries to each member device and what a key backup stores. Epochs are numbered per sending device
 * and conversation (0, 1, 2, ...); a device starts a new epoch when rotation.ts says so.
 */
import { canonicalUuid } from './bytes';
import { CHAIN_KEY_BYTES, MAX_CHAIN_INDEX } from './chain';
import { CryptoParameterError } from './errors';
import { MAX_EPOCH } from './envelope';
import { validateRawP256PublicKey } from './public-key';
import { assertIntegerInRange, ownBytesOfLength, type Bytes } from './webcrypto';

/** Which sender key: the triple every v1 message header names. */
export interface SenderKeyId {
  conversationId: string;
  epoch: number;
  senderDeviceId: string;
}

/** Read access to a sender key from `chainIndex` on (earlier messages stay unreadable). */
export interface SenderKeyShare extends SenderKeyId {
  /** The user the sending device belongs to (from its verified device certificate). */
  senderUserId: string;
  chainIndex: number;
  /** chainKey_{chainIndex}, 32 bytes. */
  chainKey: Bytes;
  /** The sender key's ECDSA P-256 public key, 65-byte point. */
  signingPublicKey: Bytes;
}

/** Check and copy a share (from a distribution, a backup or storage): ids canonical, sizes right, key a valid point. */
export function checkSenderKeyShare(share: SenderKeyShare): SenderKeyShare {
  assertIntegerInRange(share.epoch, 0, MAX_EPOCH, 'epoch');
  assertIntegerInRange(share.chainIndex, 0, MAX_CHAIN_INDEX, 'chain index');
  return {
    conversationId: canonicalUuid(share.conversationId, 'conversation id'),
    epoch: share.epoch,
    senderDeviceId: canonicalUuid(share.senderDeviceId, 'sender device id'),
    senderUserId: canonicalUuid(share.senderUserId, 'sender user id'),
    chainIndex: share.chainIndex,
    chainKey: ownBytesOfLength(share.chainKey, CHAIN_KEY_BYTES, 'chain key'),
    signingPublicKey: validateRawP256PublicKey(share.signingPublicKey),
  };
}

/** A stable map key for a sender key id. */
export function senderKeyIdString(id: SenderKeyId): string {
  if (!Number.isSafeInteger(id.epoch)) throw new CryptoParameterError('epoch must be an integer');
  return `${id.conversationId.toLowerCase()}/${id.senderDeviceId.toLowerCase()}/${id.epoch}`;
}
