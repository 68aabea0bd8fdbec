import type { Envelope } from '@cipherlink/proto';

/** What a message carries once decrypted. Later protocol versions add kinds; v0 has text only. */
export type PlainContent = { t: 'text'; text: string };

export interface EncryptRequest {
  conversationId: string;
  /** The client-generated UUIDv7; bound into the ciphertext so the server cannot swap ids. */
  messageId: string;
  recipientDeviceId: string;
  /** The recipient device's public key as published by the directory (raw, 65 bytes). */
  recipientPublicKey: Uint8Array;
  content: PlainContent;
}

export interface DecryptRequest {
  conversationId: string;
  messageId: string;
  envelope: Envelope;
  /** Public key of the device named by `peerDeviceOf(envelope)`. */
  peerPublicKey: Uint8Array;
}

/**
 * The one seam between the SDK and a message protocol, so protocol v1 (sender keys, signatures, multi-device) can
 * replace v0 without touching transport or UI code. Implementations hold this device's private key.
 */
export interface MessageCipher {
  /** Envelope version this cipher produces (`envelope.v`). */
  readonly version: number;
  /** This device's id (the sender of what `encrypt` produces). */
  readonly deviceId: string;
  /**
   * The device whose public key `decrypt` needs: the recipient for our own messages, the sender otherwise.
   * Throws NotForThisDeviceError when this device is neither end of the envelope.
   */
  peerDeviceOf(envelope: Envelope): string;
  encrypt(req: EncryptRequest): Promise<Envelope>;
  /** Rejects with DecryptionError (never returns garbage). */
  decrypt(req: DecryptRequest): Promise<PlainContent>;
}
