import { z } from 'zod';
import { Base64Url, base64UrlOfAtMostBytes, base64UrlOfBytes, Epoch, Timestamp, Uuid, UuidV7 } from './common';

/** Largest ciphertext we accept, in base64url characters (48 KiB of bytes). Frames are capped at 64 KiB. */
export const MAX_CIPHERTEXT_CHARS = 65_536;

/**
 * Protocol v0 envelope (docs/protocol.md): pairwise ECDH between the sender's and the recipient's device,
 * HKDF-SHA-256, AES-256-GCM with a random 96-bit IV. The server stores and routes it without reading it.
 */
export const EnvelopeV0 = z
  .object({
    v: z.literal(0),
    senderDeviceId: Uuid,
    recipientDeviceId: Uuid,
    iv: base64UrlOfBytes(12),
    ct: Base64Url.min(22).max(MAX_CIPHERTEXT_CHARS),
  })
  .strict();
export type EnvelopeV0 = z.infer<typeof EnvelopeV0>;

/**
 * Largest v1 ciphertext in bytes: the largest padding bucket whose envelope still fits a 64 KiB frame (32 KiB of
 * padded plaintext) plus the 16-byte AES-GCM tag. Longer content is the client's to split or to refuse.
 */
export const MAX_V1_CIPHERTEXT_BYTES = 32_768 + 16;

/**
 * Protocol v1 envelope (docs/protocol.md, "Protocol v1"): a sender-key message. The message key comes from the
 * sending device's chain for (conversation, epoch) at `chainIndex`; `ct` is AES-256-GCM of the padded payload with
 * the header (conversation id, epoch, sender device, message id, chain index, prev) as additional data, and `sig` the
 * sender key's ECDSA P-256 signature (P1363) over header, IV and ciphertext. The conversation id and message id
 * travel beside the envelope (frame and StoredMessage). A client may also repeat them inside the envelope; the
 * gateway then requires them to equal the frame's. The server stores and routes the envelope without reading it.
 */
export const EnvelopeV1 = z
  .object({
    v: z.literal(1),
    epoch: Epoch,
    senderDeviceId: Uuid,
    chainIndex: z.number().int().min(0).max(0xffff_ffff),
    /**
     * Digest of the sender key's previous message (docs/protocol-v1.md, "Links"). Clients write it and require it;
     * optional here so that envelopes stored before links existed stay valid history for the server.
     */
    prev: base64UrlOfBytes(32).optional(),
    iv: base64UrlOfBytes(12),
    ct: base64UrlOfAtMostBytes(MAX_V1_CIPHERTEXT_BYTES, 16),
    sig: base64UrlOfBytes(64),
    conversationId: Uuid.optional(),
    messageId: UuidV7.optional(),
  })
  .strict();
export type EnvelopeV1 = z.infer<typeof EnvelopeV1>;

/** Every envelope version the wire accepts, discriminated by `v`. */
export const Envelope = z.discriminatedUnion('v', [EnvelopeV0, EnvelopeV1]);
export type Envelope = z.infer<typeof Envelope>;

/** A message as stored and delivered: routing metadata in the clear, content only as ciphertext. */
export const StoredMessage = z.object({
  id: UuidV7,
  conversationId: Uuid,
  /** Per-conversation sequence number, 1, 2, 3, ... assigned by message-store. */
  seq: z.number().int().positive(),
  senderUserId: Uuid,
  senderDeviceId: Uuid,
  envelope: Envelope,
  createdAt: Timestamp,
});
export type StoredMessage = z.infer<typeof StoredMessage>;

export const HistoryParams = z.object({ conversationId: Uuid }).strict();
export const HistoryQuery = z
  .object({
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type HistoryQuery = z.infer<typeof HistoryQuery>;
export const HistoryResponse = z.object({ messages: z.array(StoredMessage), hasMore: z.boolean() });
export type HistoryResponse = z.infer<typeof HistoryResponse>;
