/**
 * The receiving side of a sender key: decrypts one sending device's messages in one conversation and epoch.
 *
 * Order of checks (docs/protocol-v1.md, "Message decryption"), each refusal a MessageRejectedError:
 *
 * 1. the envelope parses strictly ('malformed');
 * 2. its conversation, sender device and message id equal what the server routed, and the routed sender user is
 *    this key's user ('routing-mismatch'); its conversation, epoch and sender device are this key's
 *    ('wrong-sender-key');
 * 3. the message id was not accepted before ('replay');
 * 4. the signature over header || IV || ciphertext verifies under the sender key's signing key ('bad-signature').
 *    Only then may the chain walk: nobody but the sender can make us compute a long jump;
 * 5. the message key of the chain index is computed, not yet consumed ('replay' / 'key-unavailable');
 * 6. AES-GCM decrypts with the header as additional data ('decryption-failed');
 * 7. the key is consumed (commit) and the message id recorded; then the padding and payload are checked
 *    ('bad-payload': authentic but invalid, so it is consumed too).
 *
 * Speed without changing that order: the signature check starts at once and runs concurrently with everything
 * after it. A key that needs no chain walk (the next index, computed ahead; a skipped key) is used for AES-GCM
 * while the signature is still being checked, and the plaintext is thrown away unless the signature verifies; a
 * key that needs a walk is computed only after it verified. Either way nothing is consumed before both the
 * signature and the AES-GCM tag are good, and a message whose signature fails is 'bad-signature' whatever
 * AES-GCM said. Steps 5 to 7 run one message at a time per sender key (the chain is sequential); signature checks
 * of many messages run concurrently.
 */
import { decryptAesGcm } from './aead';
import { canonicalUuid } from './bytes';
import { chainState } from './chain';
import { headerBytesOf, messageSignedBytes, parseEnvelopeV1, type MessageHeader, type ParsedEnvelopeV1 } from './envelope';
import { AeadAuthenticationError, CryptoParameterError, InvalidPayloadError, MessageKeyUnavailableError, MessageRejectedError } from './errors';
import { decodePaddedPayload, type MessagePayload } from './payload';
import { importP256PublicKey } from './public-key';
import { ReceivingChain, type PendingMessageKey, type ReceivingChainState } from './receiving-chain';
import { SeenMessages } from './seen-messages';
import { checkSenderKeyShare, senderKeyIdString, type SenderKeyId, type SenderKeyShare } from './sender-key';
import { localSignatureVerifier, type SignatureVerifier, type VerificationKey } from './signature-verifier';
import type { Bytes } from './webcrypto';

/** The routing fields the server delivered the envelope with (the StoredMessage's fields). */
export interface RoutedMessage {
  conversationId: string;
  messageId: string;
  senderUserId: string;
  senderDeviceId: string;
}

export interface DecryptedMessageV1 {
  header: MessageHeader;
  senderUserId: string;
  payload: MessagePayload;
}

export interface InboundSenderKeyOptions {
  /** Skipped message keys kept for late messages (default MAX_SKIPPED_MESSAGE_KEYS). */
  skippedCapacity?: number;
  /** Accepted message ids remembered for replay detection (default MAX_SEEN_MESSAGES). */
  seenCapacity?: number;
  /** Where signatures are checked (default: Web Crypto on the calling thread); see signature-verifier.ts. */
  verifier?: SignatureVerifier;
}

export interface DecryptParsedOptions {
  /** Where the signature is checked (default: this key's verifier). */
  verifier?: SignatureVerifier;
  /** The signature check's outcome, already established by the caller; then no check runs here. */
  authentic?: boolean;
}

/** What to store to resume an inbound sender key (copy of its chain position, skipped keys and replay memory). */
export interface InboundSenderKeyRecord extends SenderKeyId {
  senderUserId: string;
  signingPublicKey: Bytes;
  chain: ReceivingChainState;
  /** [message id, chain index] of accepted messages, oldest first. */
  seen: [string, number][];
}

export class InboundSenderKey implements SenderKeyId {
  readonly conversationId: string;
  readonly epoch: number;
  readonly senderDeviceId: string;
  readonly senderUserId: string;
  private tail: Promise<unknown> = Promise.resolve();
  /** Messages queued for steps 5 to 7 and not finished (the one running included). */
  private queued = 0;
  private readonly verificationKey: VerificationKey;

  private constructor(
    ids: SenderKeyId & { senderUserId: string },
    signingPublicKey: CryptoKey,
    private readonly signingPublicKeyRaw: Bytes,
    private readonly chain: ReceivingChain,
    private readonly seen: SeenMessages,
    private readonly verifier: SignatureVerifier = localSignatureVerifier,
  ) {
    this.conversationId = ids.conversationId;
    this.epoch = ids.epoch;
    this.senderDeviceId = ids.senderDeviceId;
    this.senderUserId = ids.senderUserId;
    this.verificationKey = { id: senderKeyIdString(ids), publicKey: signingPublicKey, publicKeyRaw: signingPublicKeyRaw };
  }

  /** Start reading from a share (opened from a distribution or a backup, or this device's own outbound key). */
  static async fromShare(share: SenderKeyShare, options: InboundSenderKeyOptions = {}): Promise<InboundSenderKey> {
    const c = checkSenderKeyShare(share);
    const chain = new ReceivingChain(chainState(c.chainIndex, c.chainKey), options.skippedCapacity);
    return new InboundSenderKey(c, await importP256PublicKey(c.signingPublicKey, 'ECDSA'), c.signingPublicKey, chain, new SeenMessages(options.seenCapacity), options.verifier);
  }

  /** Resume from `record()` output; the record is checked like a share (ids, sizes, signing point, skipped indices). */
  static async restore(record: InboundSenderKeyRecord, options: InboundSenderKeyOptions = {}): Promise<InboundSenderKey> {
    const c = checkSenderKeyShare({ ...record, chainIndex: record.chain.index, chainKey: record.chain.chainKey });
    const chain = ReceivingChain.restore({ ...record.chain, index: c.chainIndex, chainKey: c.chainKey }, options.skippedCapacity);
    const seen = new SeenMessages(options.seenCapacity);
    for (const [messageId, index] of record.seen) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= chain.index) throw new CryptoParameterError('a seen message lies beyond the chain');
      seen.add(canonicalUuid(messageId, 'seen message id'), index);
    }
    return new InboundSenderKey(c, await importP256PublicKey(c.signingPublicKey, 'ECDSA'), c.signingPublicKey, chain, seen, options.verifier);
  }

  /** The state to store. Consistent at any time (every change happens in one synchronous step after a decryption). */
  record(): InboundSenderKeyRecord {
    return {
      conversationId: this.conversationId,
      epoch: this.epoch,
      senderDeviceId: this.senderDeviceId,
      senderUserId: this.senderUserId,
      signingPublicKey: new Uint8Array(this.signingPublicKeyRaw),
      chain: this.chain.exportState(),
      seen: this.seen.entries(),
    };
  }

  /** The lowest chain index never reached (indices below it are readable only if their key was skipped and kept). */
  get chainIndex(): number {
    return this.chain.index;
  }

  /** Authenticate and decrypt one envelope; see the module comment for the order of checks. */
  async decrypt(envelope: unknown, routed: RoutedMessage): Promise<DecryptedMessageV1> {
    return this.decryptParsed(parseEnvelopeV1(envelope, { conversationId: routed.conversationId, messageId: routed.messageId }), routed);
  }

  /**
   * Step 4's signature check of an envelope parsed by `parseEnvelopeV1`, on its own (decryptHistory runs it only
   * for messages that no link vouches for; see history-authentication.ts). `signedBytes`, when the caller has
   * them already, must be `messageSignedBytes` of this envelope.
   */
  checkSignature(parsed: ParsedEnvelopeV1, signedBytes?: Bytes, verifier: SignatureVerifier = this.verifier): Promise<boolean> {
    const signed = signedBytes ?? messageSignedBytes(headerBytesOf(parsed), parsed.iv, parsed.ciphertext);
    return verifier.verify(this.verificationKey, signed, parsed.signature);
  }

  /**
   * `decrypt` of an envelope already parsed by `parseEnvelopeV1` (with the same routing): steps 2 to 7. Options:
   * `verifier` overrides this key's verifier for this message; `authentic` is step 4's answer when the caller has
   * already established it (decryptHistory, through `checkSignature` or a link from an authentic message).
   */
  async decryptParsed(parsed: ParsedEnvelopeV1, routed: RoutedMessage, options: DecryptParsedOptions = {}): Promise<DecryptedMessageV1> {
    const { header, iv, ciphertext } = parsed;
    if (
      !sameId(header.conversationId, routed.conversationId) ||
      !sameId(header.senderDeviceId, routed.senderDeviceId) ||
      !sameId(header.messageId, routed.messageId) ||
      !sameId(this.senderUserId, routed.senderUserId)
    ) {
      throw new MessageRejectedError('routing-mismatch', 'the envelope does not match the message it was delivered as');
    }
    if (header.conversationId !== this.conversationId || header.epoch !== this.epoch || header.senderDeviceId !== this.senderDeviceId) {
      throw new MessageRejectedError('wrong-sender-key', 'the envelope belongs to another sender key');
    }
    if (this.seen.hasId(header.messageId)) throw new MessageRejectedError('replay', 'this message id was already accepted');
    const headerBytes = headerBytesOf(parsed);
    const verified =
      options.authentic !== undefined
        ? Promise.resolve(options.authentic)
        : this.checkSignature(parsed, messageSignedBytes(headerBytes, iv, ciphertext), options.verifier);
    verified.catch(() => undefined); // awaited below unless an earlier check refuses the message first
    this.queued++;
    const run = this.tail.then(() => this.openAuthenticated(header, headerBytes, iv, ciphertext, verified));
    this.tail = run.catch(() => undefined).finally(() => this.queued--);
    return run;
  }

  /** Steps 5 to 7, one message at a time per sender key; `verified` is the signature check already under way. */
  private async openAuthenticated(
    header: MessageHeader,
    headerBytes: Uint8Array,
    iv: Uint8Array,
    ciphertext: Uint8Array,
    verified: Promise<boolean>,
  ): Promise<DecryptedMessageV1> {
    if (this.seen.hasId(header.messageId)) throw new MessageRejectedError('replay', 'this message id was already accepted');
    const open = async (pending: PendingMessageKey) => decryptAesGcm(await pending.aesKey(), { iv, additionalData: headerBytes, ciphertext });
    const near = this.chain.messageKeyWithoutWalk(header.chainIndex);
    let pending: PendingMessageKey;
    let opened: Promise<Uint8Array>;
    if (near) {
      // No walk needed: decrypt while the signature is checked; the plaintext is used only if it verifies.
      pending = await near;
      opened = open(pending);
      opened.catch(() => undefined); // a bad signature wins over a failed decryption
      if (!(await verified)) throw badSignature();
    } else {
      if (!(await verified)) throw badSignature();
      try {
        pending = await this.chain.messageKeyFor(header.chainIndex);
      } catch (err) {
        if (!(err instanceof MessageKeyUnavailableError)) throw err;
        if (this.seen.hasIndex(header.chainIndex)) throw new MessageRejectedError('replay', 'this chain index was already used', { cause: err });
        throw new MessageRejectedError('key-unavailable', `the message key is unavailable (${err.reason})`, { cause: err });
      }
      opened = open(pending);
    }
    let padded: Uint8Array;
    try {
      padded = await opened;
    } catch (err) {
      if (err instanceof AeadAuthenticationError) throw new MessageRejectedError('decryption-failed', 'the ciphertext does not authenticate', { cause: err });
      throw err;
    }
    pending.commit(this.queued > 1);
    this.seen.add(header.messageId, header.chainIndex);
    try {
      return { header, senderUserId: this.senderUserId, payload: decodePaddedPayload(padded) };
    } catch (err) {
      if (err instanceof InvalidPayloadError) throw new MessageRejectedError('bad-payload', err.message, { cause: err });
      throw err;
    }
  }
}

function badSignature(): MessageRejectedError {
  return new MessageRejectedError('bad-signature', 'the sender signature does not verify');
}

/** Whether a routed id names `canonical` (a lowercase UUID): equal as text, or as a UUID in another case. */
function sameId(canonical: string, routed: string): boolean {
  return routed === canonical || lower(routed) === canonical;
}

function lower(id: string): string {
  try {
    return canonicalUuid(id, 'routed id');
  } catch (err) {
    throw new MessageRejectedError('routing-mismatch', 'a routed id is not a UUID', { cause: err });
  }
}
