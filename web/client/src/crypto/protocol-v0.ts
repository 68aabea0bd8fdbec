import type { Envelope, EnvelopeV0 } from '@cipherlink/proto';
import { fromBase64Url, toBase64Url } from './base64url';
import { deriveSharedSecret, importPeerPublicKey } from './device-keys';
import { DecryptionError, NotForThisDeviceError } from './errors';
import type { DecryptRequest, EncryptRequest, MessageCipher, PlainContent } from './message-cipher';

/** Protocol v0 labels (docs/protocol.md). Each names the protocol, its version and the purpose. */
export const V0_SALT_LABEL = 'cipherlink/v0/salt|';
export const V0_INFO_LABEL = 'cipherlink/v0/dm-message-key|';
export const V0_AAD_LABEL = 'cipherlink/v0|';
const IV_BYTES = 12;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** The canonical additional data of a v0 message: every routing field the ciphertext is bound to. */
export function aadV0(conversationId: string, senderDeviceId: string, recipientDeviceId: string, messageId: string): Uint8Array<ArrayBuffer> {
  return utf8.encode(
    V0_AAD_LABEL + [conversationId, senderDeviceId, recipientDeviceId, messageId].map((s) => s.toLowerCase()).join('|'),
  );
}

export interface ProtocolV0Options {
  deviceId: string;
  /** This device's non-extractable ECDH private key. */
  privateKey: CryptoKey;
  /** Injected only by tests (to count derivations); defaults to globalThis.crypto.subtle. */
  subtle?: SubtleCrypto;
}

/**
 * Protocol v0: pairwise static ECDH between two devices, HKDF-SHA-256 to an AES-256-GCM key per
 * (conversation, device pair), a fresh random 96-bit IV per message, all routing fields in the AAD.
 * See docs/protocol.md for the exact construction and for what it does not protect against.
 */
export class ProtocolV0 implements MessageCipher {
  readonly version = 0;
  readonly deviceId: string;
  private readonly privateKey: CryptoKey;
  private readonly subtle: SubtleCrypto;
  /** Derived message keys; the promise is cached so concurrent messages share one derivation. */
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(opts: ProtocolV0Options) {
    this.deviceId = opts.deviceId.toLowerCase();
    this.privateKey = opts.privateKey;
    this.subtle = opts.subtle ?? globalThis.crypto.subtle;
  }

  peerDeviceOf(envelope: Envelope): string {
    if (envelope.v !== 0) throw new DecryptionError(`unsupported protocol version ${String(envelope.v)}`);
    const sender = envelope.senderDeviceId.toLowerCase();
    const recipient = envelope.recipientDeviceId.toLowerCase();
    if (sender === this.deviceId) return recipient;
    if (recipient === this.deviceId) return sender;
    throw new NotForThisDeviceError();
  }

  async encrypt(req: EncryptRequest): Promise<EnvelopeV0> {
    const recipientDeviceId = req.recipientDeviceId.toLowerCase();
    const key = await this.messageKey(req.conversationId, recipientDeviceId, req.recipientPublicKey);
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const plaintext = utf8.encode(JSON.stringify({ t: req.content.t, text: req.content.text }));
    const ct = await this.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: aadV0(req.conversationId, this.deviceId, recipientDeviceId, req.messageId), tagLength: 128 },
      key,
      plaintext,
    );
    return { v: 0, senderDeviceId: this.deviceId, recipientDeviceId, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
  }

  async decrypt(req: DecryptRequest): Promise<PlainContent> {
    const env = req.envelope;
    if (env.v !== 0) throw new DecryptionError(`unsupported protocol version ${String(env.v)}`);
    const peer = this.peerDeviceOf(env);
    let iv: Uint8Array<ArrayBuffer>;
    let ct: Uint8Array<ArrayBuffer>;
    try {
      iv = fromBase64Url(env.iv);
      ct = fromBase64Url(env.ct);
    } catch (err) {
      throw new DecryptionError('malformed envelope', { cause: err });
    }
    if (iv.length !== IV_BYTES) throw new DecryptionError('malformed envelope');
    const key = await this.messageKey(req.conversationId, peer, req.peerPublicKey);
    let plain: ArrayBuffer;
    try {
      plain = await this.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: aadV0(req.conversationId, env.senderDeviceId, env.recipientDeviceId, req.messageId), tagLength: 128 },
        key,
        ct,
      );
    } catch (err) {
      throw new DecryptionError('message failed authentication (tampered or wrong key)', { cause: err });
    }
    return parseContent(plain);
  }

  /** The AES-GCM key of (conversation, this device, peer device); derived once, then cached. */
  private messageKey(conversationId: string, peerDeviceId: string, peerPublicKeyRaw: Uint8Array): Promise<CryptoKey> {
    const conv = conversationId.toLowerCase();
    const [lower, higher] = [this.deviceId, peerDeviceId.toLowerCase()].sort() as [string, string];
    // The peer key is part of the cache key: a different key under the same device id must not reuse a derivation.
    const cacheKey = `${conv}|${lower}|${higher}|${toBase64Url(peerPublicKeyRaw)}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      key = this.deriveMessageKey(conv, lower, higher, peerPublicKeyRaw);
      this.keys.set(cacheKey, key);
      key.catch(() => this.keys.delete(cacheKey));
    }
    return key;
  }

  private async deriveMessageKey(conv: string, lower: string, higher: string, peerPublicKeyRaw: Uint8Array): Promise<CryptoKey> {
    const peerKey = await importPeerPublicKey(peerPublicKeyRaw);
    const shared = await deriveSharedSecret(this.privateKey, peerKey, this.subtle);
    const ikm = await this.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    const salt = await this.subtle.digest('SHA-256', utf8.encode(V0_SALT_LABEL + conv));
    return this.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt, info: utf8.encode(`${V0_INFO_LABEL}${lower}|${higher}`) },
      ikm,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  }
}

function parseContent(plain: ArrayBuffer): PlainContent {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decoder.decode(plain));
  } catch (err) {
    throw new DecryptionError('malformed plaintext', { cause: err });
  }
  const v = value as { t?: unknown; text?: unknown } | null;
  if (typeof v !== 'object' || v === null || v.t !== 'text' || typeof v.text !== 'string') {
    throw new DecryptionError('unsupported message content');
  }
  return { t: 'text', text: v.text };
}
