/**
 * The sending side of a sender key: encrypts this device's messages in one conversation and epoch.
 *
 * Per message (docs/protocol-v1.md, "Message encryption"): take the next chain index and its message key, import
 * the 32-byte message key directly as the AES-256-GCM key (no per-message KDF: the key is an HMAC-SHA-256 output,
 * already uniform, and is used for exactly one encryption; the chain does this one message ahead), encrypt the padded payload with a fresh random 96-bit
 * IV and the header as additional data, and sign header || IV || ciphertext with the sender key's signing key.
 * The header's `prev` is the digest of this key's previous message, signature included (message-digest.ts), so
 * one key seals its messages one after another.
 *
 * Persist `record()` after every `encrypt` (before sending): a device that restarts from an older record would
 * reuse chain indices, and receivers reject the second message on an index.
 */
import { encryptAesGcm, generateIv } from './aead';
import { canonicalUuid } from './bytes';
import { chainState, SendingChain, type ChainState } from './chain';
import { signEcdsaP256 } from './ecdsa';
import { MAX_EPOCH, messageHeaderBytes, messageSignedBytes, toEnvelopeV1, type EnvelopeV1, type MessageHeader } from './envelope';
import { generateEcdsaKeyPair } from './key-pair';
import { MESSAGE_DIGEST_BYTES, messageDigest, noPreviousMessage } from './message-digest';
import { encodePaddedPayload, type MessagePayload } from './payload';
import type { SenderKeyId, SenderKeyShare } from './sender-key';
import { assertIntegerInRange, assertKey, ownBytesOfLength, type Bytes } from './webcrypto';

/** What to store to resume an outbound sender key (structured-cloneable: the private key stays a CryptoKey). */
export interface OutboundSenderKeyRecord extends SenderKeyId {
  senderUserId: string;
  /** Milliseconds since the Unix epoch; input to the rotation policy. */
  createdAt: number;
  /** The chain index the key started at (messages sent = chain.index - startIndex). */
  startIndex: number;
  chain: ChainState;
  signingPrivateKey: CryptoKey;
  signingPublicKey: Bytes;
  /**
   * Digest of the last message encrypted (the next message's `prev`). Absent in records written before links
   * existed: the next message then carries zeros, which only costs readers one signature check.
   */
  prevDigest?: Bytes;
}

export interface NewOutboundSenderKey extends SenderKeyId {
  senderUserId: string;
  /** Default Date.now(). */
  now?: number;
}

export class OutboundSenderKey {
  readonly conversationId: string;
  readonly epoch: number;
  readonly senderDeviceId: string;
  readonly senderUserId: string;
  readonly createdAt: number;
  readonly startIndex: number;
  private readonly chain: SendingChain;
  private readonly signingPrivateKey: CryptoKey;
  private readonly signingPublicKey: Bytes;
  private prevDigest: Bytes;
  /** Encryptions run one at a time: each header needs the digest of the message before it. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(record: OutboundSenderKeyRecord) {
    assertIntegerInRange(record.epoch, 0, MAX_EPOCH, 'epoch');
    assertIntegerInRange(record.createdAt, 0, Number.MAX_SAFE_INTEGER, 'createdAt');
    assertKey(record.signingPrivateKey, { type: 'private', name: 'ECDSA', namedCurve: 'P-256', usage: 'sign' }, 'sender key signing key');
    this.conversationId = canonicalUuid(record.conversationId, 'conversation id');
    this.epoch = record.epoch;
    this.senderDeviceId = canonicalUuid(record.senderDeviceId, 'sender device id');
    this.senderUserId = canonicalUuid(record.senderUserId, 'sender user id');
    this.createdAt = record.createdAt;
    this.chain = new SendingChain(chainState(record.chain.index, record.chain.chainKey));
    assertIntegerInRange(record.startIndex, 0, this.chain.index, 'start index');
    this.startIndex = record.startIndex;
    this.signingPrivateKey = record.signingPrivateKey;
    this.signingPublicKey = new Uint8Array(record.signingPublicKey);
    this.prevDigest = record.prevDigest === undefined ? noPreviousMessage() : ownBytesOfLength(record.prevDigest, MESSAGE_DIGEST_BYTES, 'previous message digest');
  }

  /** A new sender key: random chain key at index 0 and a fresh non-extractable signing key pair. */
  static async create(params: NewOutboundSenderKey): Promise<OutboundSenderKey> {
    const signing = await generateEcdsaKeyPair();
    const chain = SendingChain.create();
    return new OutboundSenderKey({
      conversationId: params.conversationId,
      epoch: params.epoch,
      senderDeviceId: params.senderDeviceId,
      senderUserId: params.senderUserId,
      createdAt: params.now ?? Date.now(),
      startIndex: 0,
      chain: chain.snapshot(),
      signingPrivateKey: signing.privateKey,
      signingPublicKey: signing.publicKeyRaw,
    });
  }

  /** Resume from a stored record. */
  static restore(record: OutboundSenderKeyRecord): OutboundSenderKey {
    return new OutboundSenderKey(record);
  }

  /** The current state to persist. */
  record(): OutboundSenderKeyRecord {
    return {
      conversationId: this.conversationId,
      epoch: this.epoch,
      senderDeviceId: this.senderDeviceId,
      senderUserId: this.senderUserId,
      createdAt: this.createdAt,
      startIndex: this.startIndex,
      chain: this.chain.snapshot(),
      signingPrivateKey: this.signingPrivateKey,
      signingPublicKey: new Uint8Array(this.signingPublicKey),
      prevDigest: new Uint8Array(this.prevDigest),
    };
  }

  /** Messages encrypted under this key so far (input to the rotation policy). */
  get messagesSent(): number {
    return this.chain.index - this.startIndex;
  }

  /**
   * Read access from the next message on: what to distribute to member devices (right after `create`, that is
   * index 0, and what this device keeps as its own inbound copy to read its messages back from history).
   */
  share(): SenderKeyShare {
    const at = this.chain.snapshot();
    return {
      conversationId: this.conversationId,
      epoch: this.epoch,
      senderDeviceId: this.senderDeviceId,
      senderUserId: this.senderUserId,
      chainIndex: at.index,
      chainKey: at.chainKey,
      signingPublicKey: new Uint8Array(this.signingPublicKey),
    };
  }

  /** Encrypt and sign one message. Concurrent calls get distinct chain indices, each linked to the one before. */
  async encrypt(messageId: string, payload: MessagePayload): Promise<Required<EnvelopeV1>> {
    const id = canonicalUuid(messageId, 'message id');
    const plaintext = encodePaddedPayload(payload);
    const sealed = this.tail.then(() => this.seal(id, plaintext));
    this.tail = sealed.catch(() => undefined);
    return toEnvelopeV1(await sealed);
  }

  /** Take the next index, encrypt, sign, and remember the message's digest for the next one's `prev`. */
  private async seal(messageId: string, plaintext: Bytes) {
    // Usually ready: the chain prepares the next index's AES key in the background after each message.
    const { index, key } = await this.chain.nextAesKey();
    const header: MessageHeader = {
      conversationId: this.conversationId,
      epoch: this.epoch,
      senderDeviceId: this.senderDeviceId,
      messageId,
      chainIndex: index,
      prev: this.prevDigest,
    };
    const headerBytes = messageHeaderBytes(header);
    const iv = generateIv();
    const ciphertext = await encryptAesGcm(key, { iv, additionalData: headerBytes, plaintext });
    const signedBytes = messageSignedBytes(headerBytes, iv, ciphertext);
    const signature = await signEcdsaP256(this.signingPrivateKey, signedBytes);
    this.prevDigest = await messageDigest(signedBytes, signature);
    return { header, iv, ciphertext, signature };
  }
}
