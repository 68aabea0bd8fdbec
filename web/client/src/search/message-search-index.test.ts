import { describe, expect, it } from 'vitest';
import { MessageSearchIndex } from './message-search-index';

const conv1 = 'c1';
const conv2 = 'c2';

function sample(): MessageSearchIndex {
  const index = new MessageSearchIndex();
  index.upsert({ messageId: 'm1', conversationId: conv1, text: 'Meeting tomorrow at noon', senderUserId: 'alice', order: 1 });
  index.upsert({ messageId: 'm2', conversationId: conv1, text: 'The meeting moved to Tuesday', senderUserId: 'bob', order: 2 });
  index.upsert({ messageId: 'm3', conversationId: conv2, text: 'meetup tonight? café on Main St', senderUserId: 'carol', order: 3 });
  index.upsert({ messageId: 'm4', conversationId: conv2, text: 'Lunch tomorrow', senderUserId: 'carol', order: 4 });
  return index;
}
const ids = (hits: { messageId: string }[]) => hits.map((h) => h.messageId);

describe('MessageSearchIndex', () => {
  it('finds whole words and prefixes, case- and accent-insensitively, newest first', () => {
    const index = sample();
    expect(ids(index.search('meeting'))).toEqual(['m2', 'm1']);
    expect(ids(index.search('MEET'))).toEqual(['m3', 'm2', 'm1']);
    expect(ids(index.search('cafe'))).toEqual(['m3']);
    expect(ids(index.search('Café'))).toEqual(['m3']);
    expect(ids(index.search('tomorrow'))).toEqual(['m4', 'm1']);
    expect(index.search('nothing-like-this')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
  });

  it('every query word must match (each as a prefix)', () => {
    const index = sample();
    expect(ids(index.search('mee tom'))).toEqual(['m1']);
    expect(ids(index.search('tomorrow lunch'))).toEqual(['m4']);
    expect(ids(index.search('meeting lunch'))).toEqual([]);
    // A word in the middle of a token is not a prefix of it.
    expect(index.search('eeting')).toEqual([]);
  });

  it('filters by conversation and limits the hits', () => {
    const index = sample();
    expect(ids(index.search('meet', { conversationId: conv1 }))).toEqual(['m2', 'm1']);
    expect(ids(index.search('meet', { conversationId: conv2 }))).toEqual(['m3']);
    expect(ids(index.search('meet', { limit: 1 }))).toEqual(['m3']);
    expect(index.search('meet', { limit: 0 })).toEqual([]);
    expect(index.search('meet', { conversationId: 'other' })).toEqual([]);
  });

  it('an edit replaces the words of a message and keeps its order and author', () => {
    const index = sample();
    index.upsert({ messageId: 'm1', conversationId: conv1, text: 'Standup is cancelled' });
    expect(ids(index.search('meeting'))).toEqual(['m2']);
    expect(ids(index.search('noon'))).toEqual([]);
    expect(index.search('standup')).toEqual([{ messageId: 'm1', conversationId: conv1, senderUserId: 'alice', order: 1 }]);
    expect(index.size).toBe(4);
  });

  it('remove and removeConversation forget messages and their now unused words', () => {
    const index = sample();
    const tokensBefore = index.tokenCount;
    expect(index.search('noon')).toHaveLength(1); // builds the vocabulary before the removal
    expect(index.remove('m1')).toBe(true);
    expect(index.remove('m1')).toBe(false);
    expect(index.search('noon')).toEqual([]);
    expect(ids(index.search('meeting'))).toEqual(['m2']);
    expect(index.tokenCount).toBe(tokensBefore - 2); // 'at' and 'noon' were only in m1; 'meeting' and 'tomorrow' stay
    expect(index.removeConversation(conv2)).toBe(2);
    expect(ids(index.search('tomorrow'))).toEqual([]);
    expect(index.size).toBe(1);
    // A word removed and added again is found again.
    index.upsert({ messageId: 'm9', conversationId: conv1, text: 'noon works' });
    expect(ids(index.search('noon'))).toEqual(['m9']);
  });

  it('clear forgets everything, and the index works again afterwards', () => {
    const index = sample();
    expect(index.search('meet')).toHaveLength(3);
    index.clear();
    expect([index.size, index.tokenCount]).toEqual([0, 0]);
    expect(index.search('meet')).toEqual([]);
    index.upsert({ messageId: 'm5', conversationId: conv1, text: 'meeting again' });
    expect(index.search('meet')).toEqual([{ messageId: 'm5', conversationId: conv1, order: 0 }]);
  });

  it('default order is insertion order; words added after a search are found (the vocabulary is rebuilt)', () => {
    const index = new MessageSearchIndex();
    index.upsert({ messageId: 'a', conversationId: conv1, text: 'alpha beta' });
    expect(ids(index.search('al'))).toEqual(['a']);
    index.upsert({ messageId: 'b', conversationId: conv1, text: 'alpine' });
    expect(ids(index.search('al'))).toEqual(['b', 'a']);
    expect(ids(index.search('alp'))).toEqual(['b', 'a']);
    expect(ids(index.search('alph'))).toEqual(['a']);
  });

  it('10,000 messages: a filtered, limited prefix query returns the newest matches in order', () => {
    const words = ['report', 'review', 'release', 'lunch', 'launch', 'budget', 'design', 'deploy', 'meeting', 'monday'];
    const index = new MessageSearchIndex();
    for (let i = 0; i < 10_000; i++) {
      const text = Array.from({ length: 12 }, (_, j) => `${words[(i * 3 + j * 7) % words.length]}${(i * j) % 97}`).join(' ');
      index.upsert({ messageId: `m${i}`, conversationId: i % 2 ? conv1 : conv2, text, order: i });
    }
    const hits = index.search('rel', { conversationId: conv1, limit: 20 });
    expect(hits).toHaveLength(20);
    expect(hits.every((h) => h.conversationId === conv1)).toBe(true);
    expect(hits.map((h) => h.order)).toEqual([...hits.map((h) => h.order)].sort((a, b) => b - a));
  });
});
