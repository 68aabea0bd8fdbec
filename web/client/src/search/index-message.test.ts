import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InboundSenderKey, OutboundSenderKey, type DecryptedMessageV1, type EnvelopeV1, type MessagePayload } from '../crypto/v1/index';
import { indexDecryptedMessage } from './index-message';
import { MessageSearchIndex } from './message-search-index';

const conv = randomUUID();
const alice = { userId: randomUUID(), deviceId: randomUUID() };
const bob = { userId: randomUUID(), deviceId: randomUUID() };

/** A sender whose messages go through real v1 encryption and decryption. */
async function sender(who: { userId: string; deviceId: string }) {
  const out = await OutboundSenderKey.create({ conversationId: conv, epoch: 0, senderDeviceId: who.deviceId, senderUserId: who.userId });
  const inbound = await InboundSenderKey.fromShare(out.share());
  return async (payload: MessagePayload): Promise<DecryptedMessageV1> => {
    const env: Required<EnvelopeV1> = await out.encrypt(randomUUID(), payload);
    return inbound.decrypt(env, { conversationId: conv, messageId: env.messageId, senderUserId: who.userId, senderDeviceId: who.deviceId });
  };
}

describe('indexDecryptedMessage', () => {
  it('indexes text, applies the author’s edits and deletes, ignores reactions and other people’s edits', async () => {
    const [fromAlice, fromBob] = [await sender(alice), await sender(bob)];
    const index = new MessageSearchIndex();
    const hello = await fromAlice({ type: 'text', text: 'Quarterly report is ready' });
    const other = await fromBob({ type: 'text', text: 'Great report, thanks' });
    expect(indexDecryptedMessage(index, hello, 1)).toBe('indexed');
    expect(indexDecryptedMessage(index, other, 2)).toBe('indexed');
    expect(index.search('report').map((h) => h.messageId)).toEqual([other.header.messageId, hello.header.messageId]);
    expect(index.get(hello.header.messageId)).toMatchObject({ conversationId: conv, senderUserId: alice.userId, order: 1 });

    const target = hello.header.messageId;
    expect(indexDecryptedMessage(index, await fromBob({ type: 'edit', messageId: target, text: 'hijacked' }))).toBe('ignored');
    expect(indexDecryptedMessage(index, await fromBob({ type: 'delete', messageId: target }))).toBe('ignored');
    expect(indexDecryptedMessage(index, await fromBob({ type: 'reaction', messageId: target, emoji: '👍', remove: false }))).toBe('ignored');
    expect(index.search('hijacked')).toEqual([]);

    expect(indexDecryptedMessage(index, await fromAlice({ type: 'edit', messageId: target, text: 'Quarterly budget is ready' }))).toBe('edited');
    expect(index.search('budget').map((h) => h.messageId)).toEqual([target]);
    expect(index.search('report').map((h) => h.messageId)).toEqual([other.header.messageId]);
    expect(index.get(target)?.order).toBe(1);

    expect(indexDecryptedMessage(index, await fromAlice({ type: 'delete', messageId: target }))).toBe('deleted');
    expect(index.has(target)).toBe(false);
    // An edit of a message that is not indexed (deleted, or not arrived yet) is reported, not applied.
    expect(indexDecryptedMessage(index, await fromAlice({ type: 'edit', messageId: target, text: 'again' }))).toBe('ignored');
    expect(index.size).toBe(1);
  });
});
