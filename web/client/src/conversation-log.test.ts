import { describe, expect, it } from 'vitest';
import { ConversationLog, type ItemContent, type LogItem } from './conversation-log';

const ME = 'me';
const ALICE = 'alice';
const BOB = 'bob';
let n = 0;

function item(id: string, seq: number, sender: string, content: ItemContent): LogItem {
  n++;
  return {
    meta: { id, conversationId: 'c', seq, senderUserId: sender, senderDeviceId: `${sender}-d`, createdAt: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}.000Z`, status: seq ? 'sent' : 'pending', mine: sender === ME, protocol: 1 },
    content,
  };
}

describe('ConversationLog', () => {
  it('lists texts by seq, pending last, and hides actions', () => {
    const log = new ConversationLog(ME);
    log.put(item('m2', 2, BOB, { kind: 'text', text: 'two' }));
    log.put(item('m1', 1, ALICE, { kind: 'text', text: 'one', replyTo: { messageId: 'm0', quote: 'zero' } }));
    log.put(item('p', 0, ME, { kind: 'text', text: 'pending' }));
    log.put(item('r', 3, BOB, { kind: 'reaction', targetId: 'm1', emoji: '👍', remove: false }));
    expect(log.list().map((m) => m.id)).toEqual(['m1', 'm2', 'p']);
    expect(log.view('m1')?.replyTo).toEqual({ messageId: 'm0', quote: 'zero' });
    expect(log.view('r')).toBeUndefined();
  });

  it('applies only the author’s edits and deletes, the latest edit winning whatever the arrival order', () => {
    const log = new ConversationLog(ME);
    log.put(item('m', 1, ALICE, { kind: 'text', text: 'original' }));
    const late = log.put(item('e2', 5, ALICE, { kind: 'edit', targetId: 'm', text: 'second edit' }));
    expect(late.changed.map((m) => m.id)).toEqual(['m']);
    log.put(item('e1', 3, ALICE, { kind: 'edit', targetId: 'm', text: 'first edit' }));
    log.put(item('forged', 9, BOB, { kind: 'edit', targetId: 'm', text: 'bob was here' }));
    expect(log.view('m')?.body).toEqual({ kind: 'text', text: 'second edit' });
    expect(log.view('m')?.editedAt).toBeDefined();
    log.put(item('d-forged', 10, BOB, { kind: 'delete', targetId: 'm' }));
    expect(log.view('m')?.body.kind).toBe('text');
    log.put(item('d', 11, ALICE, { kind: 'delete', targetId: 'm' }));
    expect(log.view('m')?.body).toEqual({ kind: 'deleted', reason: 'deleted by the sender' });
    expect(log.view('m')?.editedAt).toBeUndefined();
    // A delete is final: a later edit does not bring the text back.
    log.put(item('e3', 12, ALICE, { kind: 'edit', targetId: 'm', text: 'resurrected' }));
    expect(log.view('m')?.body.kind).toBe('deleted');
  });

  it('applies actions that arrived before their target once the target is known', () => {
    const log = new ConversationLog(ME);
    const first = log.put(item('e', 4, ALICE, { kind: 'edit', targetId: 'm', text: 'edited' }));
    expect(first).toEqual({ changed: [], removed: [] });
    log.put(item('m', 2, ALICE, { kind: 'text', text: 'original' }));
    expect(log.view('m')?.body).toEqual({ kind: 'text', text: 'edited' });
  });

  it('aggregates reactions per emoji, one per user, the latest add or remove winning', () => {
    const log = new ConversationLog(ME);
    log.put(item('m', 1, ALICE, { kind: 'text', text: 'hi' }));
    log.put(item('r1', 2, BOB, { kind: 'reaction', targetId: 'm', emoji: '👍', remove: false }));
    log.put(item('r2', 3, ME, { kind: 'reaction', targetId: 'm', emoji: '👍', remove: false }));
    log.put(item('r3', 4, ME, { kind: 'reaction', targetId: 'm', emoji: '🎉', remove: false }));
    log.put(item('r4', 5, BOB, { kind: 'reaction', targetId: 'm', emoji: '👍', remove: false }));
    expect(log.view('m')?.reactions).toEqual([
      { emoji: '👍', userIds: [ME, BOB], mine: true },
      { emoji: '🎉', userIds: [ME], mine: true },
    ]);
    // Bob's removal at seq 7 arrives after his re-add at seq 6 was applied: seq order decides, not arrival.
    log.put(item('r6', 7, BOB, { kind: 'reaction', targetId: 'm', emoji: '👍', remove: true }));
    log.put(item('r5', 6, BOB, { kind: 'reaction', targetId: 'm', emoji: '👍', remove: false }));
    log.put(item('r7', 8, ME, { kind: 'reaction', targetId: 'm', emoji: '🎉', remove: true }));
    expect(log.view('m')?.reactions).toEqual([{ emoji: '👍', userIds: [ME], mine: true }]);
  });

  it('ignores pending actions until they are stored', () => {
    const log = new ConversationLog(ME);
    log.put(item('m', 1, ME, { kind: 'text', text: 'hi' }));
    log.put(item('e', 0, ME, { kind: 'edit', targetId: 'm', text: 'changed' }));
    expect(log.view('m')?.body).toEqual({ kind: 'text', text: 'hi' });
    const stored = log.put({ ...log.get('e')!, meta: { ...log.get('e')!.meta, seq: 2, status: 'sent' } });
    expect(stored.changed.map((m) => m.id)).toEqual(['m']);
    expect(log.view('m')?.body).toEqual({ kind: 'text', text: 'changed' });
  });

  it('reports an undecryptable item that turns out to be an action as removed', () => {
    const log = new ConversationLog(ME);
    log.put(item('m', 1, ALICE, { kind: 'text', text: 'hi' }));
    const waiting = item('x', 2, BOB, { kind: 'undecryptable', code: 'waiting-for-key', reason: 'waiting', retrying: true });
    expect(log.put(waiting).changed[0]?.body).toEqual({ kind: 'undecryptable', code: 'waiting-for-key', reason: 'waiting', retrying: true });
    const change = log.put({ meta: waiting.meta, content: { kind: 'reaction', targetId: 'm', emoji: '❤️', remove: false } });
    expect(change.removed).toEqual(['x']);
    expect(change.changed.map((m) => m.id)).toEqual(['m']);
    expect(log.list().map((m) => m.id)).toEqual(['m']);
  });
});
