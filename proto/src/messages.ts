import { z } from 'zod';
import { Base64Url, base64UrlOfBytes, Timestamp, Uuid, UuidV7 } from './common';

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

/** Every envelope version the wire accepts; later versions are added beside v0. */
export const Envelope = z.discriminatedUnion('v', [EnvelopeV0]);
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
