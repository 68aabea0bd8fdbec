import { describe, expect, it } from 'vitest';
import type { Conversation } from '@cipherlink/proto';
import type { SearchResult } from '@cipherlink/client';
import { highlightParts, searchRows } from './search';

const me = { id: 'u-me', username: 'alice' };
const bob = { id: 'u-bob', username: 'bob' };
const dm: Conversation = { id: 'c-dm', kind: 'dm', name: null, members: [me, bob], createdAt: '2026-01-01T00:00:00.000Z' };
const room: Conversation = { id: 'c-room', kind: 'group', name: 'Planning', members: [me], createdAt: '2026-01-01T00:00:00.000Z' };

function result(over: Partial<SearchResult>): SearchResult {
  return {
    messageId: 'm',
    conversationId: dm.id,
    senderUserId: bob.id,
    mine: false,
    createdAt: '2026-01-02T10:00:00.000Z',
    text: 'budget',
    snippet: { text: 'budget', highlights: [{ start: 0, end: 6 }] },
    ...over,
  };
}

describe('searchRows', () => {
  it('names the conversation and the sender, keeps the order, drops conversations no longer listed', () => {
    const rows = searchRows(
      [
        result({ messageId: 'm3', conversationId: 'C-ROOM', senderUserId: bob.id }),
        result({ messageId: 'm2', conversationId: 'c-gone' }),
        result({ messageId: 'm1', senderUserId: me.id, mine: true }),
      ],
      [dm, room],
      me.id,
    );
    expect(rows.map((r) => [r.messageId, r.conversationId, r.conversationTitle, r.room, r.sender])).toEqual([
      ['m3', 'c-room', 'Planning', true, 'Former member'],
      ['m1', 'c-dm', 'bob', false, 'You'],
    ]);
  });
});

describe('highlightParts', () => {
  it('splits a snippet into plain and matched parts', () => {
    expect(highlightParts({ text: 'the budget and the plan', highlights: [{ start: 19, end: 23 }, { start: 4, end: 10 }] })).toEqual([
      { text: 'the ', match: false },
      { text: 'budget', match: true },
      { text: ' and the ', match: false },
      { text: 'plan', match: true },
    ]);
    expect(highlightParts({ text: 'nothing', highlights: [] })).toEqual([{ text: 'nothing', match: false }]);
  });

  it('tolerates overlapping and out-of-range highlights', () => {
    expect(highlightParts({ text: 'abcdef', highlights: [{ start: 0, end: 3 }, { start: 2, end: 4 }, { start: 5, end: 99 }] })).toEqual([
      { text: 'abc', match: true },
      { text: 'd', match: true },
      { text: 'e', match: false },
      { text: 'f', match: true },
    ]);
  });
});
