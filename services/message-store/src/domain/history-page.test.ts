import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '@cipherlink/proto';
import { toHistoryPage } from './history-page';

const msg = (seq: number) => ({ seq }) as unknown as StoredMessage;

describe('toHistoryPage', () => {
  it('drops the over-fetched row and reports hasMore', () => {
    const page = toHistoryPage([msg(1), msg(2), msg(3)], 2);
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(page.hasMore).toBe(true);
  });
  it('returns everything with hasMore=false when rows fit', () => {
    expect(toHistoryPage([msg(1), msg(2)], 2)).toEqual({ messages: [msg(1), msg(2)], hasMore: false });
    expect(toHistoryPage([], 5)).toEqual({ messages: [], hasMore: false });
  });
});
