import { describe, expect, it } from 'vitest';
import type { DecryptedMessage } from '@cipherlink/client';
import { upsertMessages } from './messages';

const msg = (id: string, seq: number, over: Partial<DecryptedMessage> = {}): DecryptedMessage => ({
  id,
  conversationId: 'c1',
  seq,
  senderUserId: 'u1',
  senderDeviceId: 'd1',
  createdAt: `2025-01-01T00:00:0${id.at(-1) ?? '0'}.000Z`,
  status: seq > 0 ? 'sent' : 'pending',
  body: { kind: 'text', text: id },
  mine: false,
  ...over,
});

describe('upsertMessages', () => {
  it('orders by seq whatever the arrival order, and puts pending messages last in creation order', () => {
    const list = upsertMessages([msg('p2', 0), msg('m3', 3)], [msg('p1', 0, { createdAt: '2025-01-01T00:00:00.500Z' }), msg('m1', 1), msg('m2', 2)]);
    expect(list.map((m) => m.id)).toEqual(['m1', 'm2', 'm3', 'p1', 'p2']);
  });

  it('collapses duplicates by id and lets the newer copy win (an ack replaces its pending message)', () => {
    const pending = msg('a1', 0, { mine: true });
    const acked = { ...pending, seq: 4, status: 'sent' as const };
    const list = upsertMessages([msg('b3', 3), pending], [acked, msg('b3', 3)]);
    expect(list).toHaveLength(2);
    expect(list.map((m) => [m.id, m.seq, m.status])).toEqual([
      ['b3', 3, 'sent'],
      ['a1', 4, 'sent'],
    ]);
  });

  it('does not modify its inputs', () => {
    const current = [msg('m2', 2), msg('m1', 1)];
    upsertMessages(current, [msg('m3', 3)]);
    expect(current.map((m) => m.id)).toEqual(['m2', 'm1']);
  });
});
