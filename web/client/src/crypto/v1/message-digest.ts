/**
 * The digest that links a message to the one before it in its sender chain (docs/protocol-v1.md, "Links"):
 *
 *   messageDigest(m) = SHA-256(signed bytes of m || signature of m (64))
 *
 * It covers the whole envelope as the sender sent it, signature included, so a message whose signature was
 * altered is never vouched for by its successor: it has to pass its own (failing) signature check.
 * The next message of the same sender key carries it as its header's `prev`; the chain's first message (or one
 * whose sender lost the digest) carries 32 zero bytes, which no SHA-256 output equals in practice.
 */
import { concatBytes } from './bytes';
import { subtle, type Bytes } from './webcrypto';

export const MESSAGE_DIGEST_BYTES = 32;

/** `prev` of a message with no known predecessor. */
export function noPreviousMessage(): Bytes {
  return new Uint8Array(MESSAGE_DIGEST_BYTES);
}

/** SHA-256 of a message's signed bytes (`messageSignedBytes`) followed by its signature. */
export function messageDigest(signedBytes: Uint8Array, signature: Uint8Array): Promise<Bytes> {
  return messageDigestOf(concatBytes(signedBytes, signature));
}

/** `messageDigest` of signed bytes and signature already in one array (`messageSignedBytesWithSignature`). */
export async function messageDigestOf(signedBytesWithSignature: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', signedBytesWithSignature));
}
