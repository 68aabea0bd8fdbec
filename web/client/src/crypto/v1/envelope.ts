/**
 * The v1 message envelope and its canonical header (docs/protocol-v1.md, "Envelope").
 *
 *   header    = label("cipherlink/v1/message-header") || u8 version (1) || conversationId (16) || u32 epoch
 *               || senderDeviceId (16) || messageId (16) || u32 chainIndex || prev (32)  -- AES-GCM additional data
 *   signed    = label("cipherlink/v1/message-signature") || header || iv (12) || ciphertext   -- ECDSA P-256
 *   prev      = SHA-256(signed || signature) of the sender key's message at chainIndex - 1, or 32 zero bytes
 *
 * `prev` links each message to the one before it in its sender chain (history-authentication.ts): a message whose
 * successor verified and names its digest is authentic without a signature check of its own.
 *
 * Every field is fixed-length except the ciphertext, which comes last, so both encodings are canonical. The JSON
 * envelope carries the same fields with binary ones as unpadded base64url (proto `EnvelopeV1`). `conversationId`
 * and `messageId` also travel beside the envelope (frame, StoredMessage); we always write them, and a reader may
 * take them from the routing instead when they are absent: they are authenticated either way, through the header.
 */
import { fromBase64Url, toBase64Url } from '../base64url';
import { ByteWriter, canonicalUuid, isUuid } from './bytes';
import { AES_GCM_IV_BYTES, AES_GCM_TAG_BYTES } from './aead';
import { MAX_CHAIN_INDEX } from './chain';
import { ECDSA_P256_SIGNATURE_BYTES } from './ecdsa';
import { MessageRejectedError } from './errors';
import { LABELS } from './labels';
import { MESSAGE_DIGEST_BYTES } from './message-digest';
import { isBucketLength } from './padding';
import type { Bytes } from './webcrypto';

export const ENVELOPE_VERSION = 1;
/** Epochs are u32 on the wire. */
export const MAX_EPOCH = 0xffff_ffff;

/** The authenticated routing fields of a message. */
export interface MessageHeader {
  conversationId: string;
  /** The sender key's epoch (see sender-key.ts). */
  epoch: number;
  senderDeviceId: string;
  /** The client-generated message id (UUIDv7), also the server's id of the stored message. */
  messageId: string;
  /** Index of the message key in the sender key's chain. */
  chainIndex: number;
  /**
   * SHA-256 of the signed bytes of this sender key's message at `chainIndex - 1` (`messageDigest`), or 32 zero
   * bytes when the sender has none (the chain's first message, a sender restored without it).
   */
  prev: Bytes;
}

/** The JSON envelope (`v: 1`). */
export interface EnvelopeV1 {
  v: 1;
  /** Always written by `toEnvelopeV1`; optional on the wire (then taken from the routing). */
  conversationId?: string;
  epoch: number;
  senderDeviceId: string;
  /** Always written by `toEnvelopeV1`; optional on the wire (then taken from the routing). */
  messageId?: string;
  chainIndex: number;
  /** 32 bytes: the header's `prev`. */
  prev: string;
  /** 12 bytes. */
  iv: string;
  /** AES-256-GCM ciphertext || 16-byte tag of the padded payload. */
  ct: string;
  /** 64-byte P1363 ECDSA P-256 signature by the sender key's signing key. */
  sig: string;
}

/** An envelope decoded to bytes, shape-checked, not yet authenticated. */
export interface ParsedEnvelopeV1 {
  header: MessageHeader;
  iv: Bytes;
  ciphertext: Bytes;
  signature: Bytes;
}

/** The header bytes (AES-GCM additional data). */
export function messageHeaderBytes(h: MessageHeader): Bytes {
  return new ByteWriter()
    .label(LABELS.messageHeader)
    .u8(ENVELOPE_VERSION)
    .uuid(h.conversationId, 'conversation id')
    .u32(h.epoch)
    .uuid(h.senderDeviceId, 'sender device id')
    .uuid(h.messageId, 'message id')
    .u32(h.chainIndex)
    .raw(h.prev)
    .bytes();
}

/** What the sender key's signing key signs. */
export function messageSignedBytes(headerBytes: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Bytes {
  return new ByteWriter().label(LABELS.messageSignature).raw(headerBytes).raw(iv).raw(ciphertext).bytes();
}

/** `messageSignedBytes` followed by the signature, in one array: the input of `messageDigest`. */
export function messageSignedBytesWithSignature(headerBytes: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, signature: Uint8Array): Bytes {
  return new ByteWriter().label(LABELS.messageSignature).raw(headerBytes).raw(iv).raw(ciphertext).raw(signature).bytes();
}

/** Header bytes of envelopes this module parsed (their headers are frozen, so the bytes cannot go stale). */
const parsedHeaderBytes = new WeakMap<MessageHeader, Bytes>();

/** `messageHeaderBytes(parsed.header)`, computed once per envelope parsed by `parseEnvelopeV1`. */
export function headerBytesOf(parsed: ParsedEnvelopeV1): Bytes {
  let bytes = parsedHeaderBytes.get(parsed.header);
  if (!bytes) {
    bytes = messageHeaderBytes(parsed.header);
    if (Object.isFrozen(parsed.header)) parsedHeaderBytes.set(parsed.header, bytes);
  }
  return bytes;
}

/** The JSON envelope of a sealed message (with every member). */
export function toEnvelopeV1(parsed: ParsedEnvelopeV1): Required<EnvelopeV1> {
  const h = parsed.header;
  return {
    v: 1,
    conversationId: canonicalUuid(h.conversationId, 'conversation id'),
    epoch: h.epoch,
    senderDeviceId: canonicalUuid(h.senderDeviceId, 'sender device id'),
    messageId: canonicalUuid(h.messageId, 'message id'),
    chainIndex: h.chainIndex,
    prev: toBase64Url(h.prev),
    iv: toBase64Url(parsed.iv),
    ct: toBase64Url(parsed.ciphertext),
    sig: toBase64Url(parsed.signature),
  };
}

const REQUIRED = ['v', 'epoch', 'senderDeviceId', 'chainIndex', 'prev', 'iv', 'ct', 'sig'];
const OPTIONAL = ['conversationId', 'messageId'];

/** Where the ids come from when the envelope leaves them out: the message as the server routed it. */
export interface EnvelopeRouting {
  conversationId: string;
  messageId: string;
}

/**
 * Decode a JSON envelope strictly: known members only, version 1, UUIDs (lowercased), u32 epoch and chain index,
 * canonical base64url, a 32-byte `prev`, a 12-byte IV, a 64-byte signature and a ciphertext whose plaintext is a padding bucket.
 * A missing conversation or message id is taken from `routing` (without it, the envelope is malformed).
 * Throws MessageRejectedError('malformed').
 */
export function parseEnvelopeV1(json: unknown, routing?: EnvelopeRouting): ParsedEnvelopeV1 {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw malformed('envelope must be an object');
  const e = json as Record<string, unknown>;
  if (!REQUIRED.every((m) => m in e) || !Object.keys(e).every((m) => REQUIRED.includes(m) || OPTIONAL.includes(m))) {
    throw malformed('envelope has unexpected members');
  }
  if (e.v !== ENVELOPE_VERSION) throw malformed('envelope version must be 1');
  const conversationId = 'conversationId' in e ? e.conversationId : routing?.conversationId;
  const messageId = 'messageId' in e ? e.messageId : routing?.messageId;
  if (!isUuid(conversationId) || !isUuid(e.senderDeviceId) || !isUuid(messageId)) throw malformed('envelope ids must be UUIDs');
  if (!isU32(e.epoch) || !isU32(e.chainIndex) || e.chainIndex > MAX_CHAIN_INDEX) throw malformed('epoch and chain index must be u32');
  const prev = bytes(e.prev, 'prev');
  const iv = bytes(e.iv, 'iv');
  const ciphertext = bytes(e.ct, 'ct');
  const signature = bytes(e.sig, 'sig');
  if (prev.length !== MESSAGE_DIGEST_BYTES) throw malformed('prev must be 32 bytes');
  if (iv.length !== AES_GCM_IV_BYTES) throw malformed('iv must be 12 bytes');
  if (signature.length !== ECDSA_P256_SIGNATURE_BYTES) throw malformed('sig must be 64 bytes');
  if (!isBucketLength(ciphertext.length - AES_GCM_TAG_BYTES)) throw malformed('ciphertext length is not a padding bucket');
  return {
    header: Object.freeze({
      conversationId: conversationId.toLowerCase(),
      epoch: e.epoch,
      senderDeviceId: e.senderDeviceId.toLowerCase(),
      messageId: messageId.toLowerCase(),
      chainIndex: e.chainIndex,
      prev,
    }),
    iv,
    ciphertext,
    signature,
  };
}

function isU32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_EPOCH;
}

function bytes(v: unknown, what: string): Bytes {
  if (typeof v !== 'string') throw malformed(`${what} must be a base64url string`);
  try {
    return fromBase64Url(v);
  } catch (err) {
    throw malformed(`${what} is not canonical base64url`, err);
  }
}

function malformed(detail: string, cause?: unknown): MessageRejectedError {
  return new MessageRejectedError('malformed', detail, cause === undefined ? undefined : { cause });
}
