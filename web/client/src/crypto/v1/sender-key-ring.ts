/**
 * The inbound sender keys a device holds, by (conversation, sending device, epoch): routes each envelope to its
 * key. A share for a key that is already held is ignored, never applied over it: an older share would rewind the
 * chain and bring consumed message keys back (replays).
 */
import { parseEnvelopeV1, type ParsedEnvelopeV1 } from './envelope';
import { MessageRejectedError } from './errors';
import { InboundSenderKey, type DecryptedMessageV1, type InboundSenderKeyOptions, type InboundSenderKeyRecord, type RoutedMessage } from './inbound-sender-key';
import { senderKeyIdString, type SenderKeyId, type SenderKeyShare } from './sender-key';

export class SenderKeyRing {
  private readonly keys = new Map<string, InboundSenderKey>();

  constructor(private readonly options: InboundSenderKeyOptions = {}) {}

  get size(): number {
    return this.keys.size;
  }

  /** Hold a share; returns the key now held for its id (the existing one if there was one). */
  async add(share: SenderKeyShare): Promise<InboundSenderKey> {
    const existing = this.keys.get(senderKeyIdString(share));
    if (existing) return existing;
    const key = await InboundSenderKey.fromShare(share, this.options);
    const id = senderKeyIdString(key);
    const raced = this.keys.get(id);
    if (raced) return raced;
    this.keys.set(id, key);
    return key;
  }

  /** Resume a ring from stored records (one per key). */
  static async restore(records: readonly InboundSenderKeyRecord[], options: InboundSenderKeyOptions = {}): Promise<SenderKeyRing> {
    const ring = new SenderKeyRing(options);
    for (const r of records) {
      const key = await InboundSenderKey.restore(r, options);
      ring.keys.set(senderKeyIdString(key), key);
    }
    return ring;
  }

  /** Every key's state to store. */
  records(): InboundSenderKeyRecord[] {
    return [...this.keys.values()].map((k) => k.record());
  }

  get(id: SenderKeyId): InboundSenderKey | undefined {
    return this.keys.get(senderKeyIdString(id));
  }

  /** Forget every key of a conversation (the device left it). */
  removeConversation(conversationId: string): void {
    const prefix = `${conversationId.toLowerCase()}/`;
    for (const id of [...this.keys.keys()]) if (id.startsWith(prefix)) this.keys.delete(id);
  }

  /** Decrypt with the key the envelope names; 'missing-sender-key' when this device was not given that key. */
  async decrypt(envelope: unknown, routed: RoutedMessage): Promise<DecryptedMessageV1> {
    const parsed = parseEnvelopeV1(envelope, { conversationId: routed.conversationId, messageId: routed.messageId });
    return this.keyFor(parsed).decryptParsed(parsed, routed);
  }

  /** The key a parsed envelope names; MessageRejectedError('missing-sender-key') when this device was not given it. */
  keyFor(parsed: ParsedEnvelopeV1): InboundSenderKey {
    const key = this.get(parsed.header);
    if (!key) throw new MessageRejectedError('missing-sender-key', 'no sender key for this conversation, epoch and sender device');
    return key;
  }
}
