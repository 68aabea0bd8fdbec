import { describe, expect, it } from 'vitest';
import { MessageSearch } from './message-search';
import type { DecryptedMessage, MessageBody } from './types';

const CONV_A = '0190a6e0-0000-4000-8000-0000000000c1';
const CONV_B = '0190a6e0-0000-4000-8000-0000000000c2';
const ME = 'u-me';
const BOB = 'u-bob';
let clock = Date.UTC(2026, 0, 5, 9, 0, 0);

/** A message as MessageSync shows it; each new one a minute after the previous. */
function shown(id: string, conversationId: string, body: MessageBody | string, over: Partial<DecryptedMessage> = {}): DecryptedMessage {
  clock += 60_000;
  return {
    id,
    conversationId,
    seq: 1,
    senderUserId: BOB,
    senderDeviceId: 'd-bob',
    createdAt: new Date(clock).toISOString(),
    status: 'sent',
    mine: false,
    protocol: 1,
    body: typeof body === 'string' ? { kind: 'text', text: body } : body,
    ...over,
  };
}

const ids = (search: MessageSearch, query: string, options = {}) => search.query(query, options).map((r) => r.messageId);

describe('MessageSearch', () => {
  it('finds shown texts, newest first across conversations, with sender, time, text and a highlighted snippet', () => {
    const search = new MessageSearch();
    const older = shown('m1', CONV_A, 'Lunch at noon?');
    const mine = shown('m2', CONV_B, 'Noon works for lunch', { senderUserId: ME, mine: true, seq: 7 });
    search.update(older);
    search.update(mine);
    const results = search.query('lunch');
    expect(results).toEqual([
      {
        messageId: 'm2',
        conversationId: CONV_B,
        senderUserId: ME,
        mine: true,
        createdAt: mine.createdAt,
        text: 'Noon works for lunch',
        snippet: { text: 'Noon works for lunch', highlights: [{ start: 15, end: 20 }] },
      },
      expect.objectContaining({ messageId: 'm1', conversationId: CONV_A, senderUserId: BOB, mine: false, createdAt: older.createdAt }),
    ]);
    expect(ids(search, 'lunch', { conversationId: CONV_A.toUpperCase() })).toEqual(['m1']);
    expect(ids(search, 'lunch', { limit: 1 })).toEqual(['m2']);
    expect(search.query('')).toEqual([]);
  });

  it('an edit re-indexes the new text; a status change or a reaction keeps it', () => {
    const search = new MessageSearch();
    const pending = shown('m1', CONV_A, 'Draft agenda', { status: 'pending', seq: 0, mine: true, senderUserId: ME });
    search.update(pending);
    expect(ids(search, 'agenda')).toEqual(['m1']);
    search.update({ ...pending, status: 'sent', seq: 3, reactions: [{ emoji: '👍', userIds: [BOB], mine: false }] });
    expect(ids(search, 'draft')).toEqual(['m1']);
    search.update({ ...pending, status: 'sent', seq: 3, body: { kind: 'text', text: 'Final agenda' }, editedAt: new Date(clock + 1).toISOString() });
    expect(ids(search, 'draft')).toEqual([]);
    expect(search.query('final')).toMatchObject([{ messageId: 'm1', text: 'Final agenda', editedAt: expect.any(String) }]);
    expect(search.size).toBe(1);
  });

  it('deleted, undecryptable and failed messages are never searchable; an item no longer shown is dropped', () => {
    const search = new MessageSearch();
    const a = shown('m1', CONV_A, 'secret plan');
    search.update(a);
    search.update({ ...a, body: { kind: 'deleted', reason: 'deleted by the sender' } });
    expect(search.query('secret')).toEqual([]);
    search.update(shown('m2', CONV_A, { kind: 'undecryptable', reason: "can't decrypt yet", code: 'waiting-for-key', retrying: true }));
    expect(search.size).toBe(0);
    // Decrypted late: searchable once shown as text.
    search.update(shown('m2', CONV_A, 'late plan'));
    expect(ids(search, 'plan')).toEqual(['m2']);
    search.remove('m2');
    expect(search.query('plan')).toEqual([]);
    search.remove('unknown');
    // A send that failed is not part of the conversation (its retry is another message).
    const failed = shown('m3', CONV_A, 'plan B', { status: 'pending', seq: 0, mine: true, senderUserId: ME });
    search.update(failed);
    expect(ids(search, 'plan')).toEqual(['m3']);
    search.update({ ...failed, status: 'failed' });
    expect(search.query('plan')).toEqual([]);
  });

  it('removeConversation drops one conversation; clear drops everything', () => {
    const search = new MessageSearch();
    search.update(shown('m1', CONV_A, 'budget in A'));
    search.update(shown('m2', CONV_B, 'budget in B'));
    search.removeConversation(CONV_A.toUpperCase());
    expect(ids(search, 'budget')).toEqual(['m2']);
    search.clear();
    expect(search.size).toBe(0);
    expect(search.query('budget')).toEqual([]);
  });
});
