import { describe, expect, it } from 'vitest';
import type { DecryptedMessage } from '@cipherlink/client';
import { actionsFor, describeBodyShort, describeUndecryptable, quoteOf, removeMessage, snippet, upsertMessages } from './messages';

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

  it('replaces a message in place when it changes (edit, reaction, delete, late key)', () => {
    const waiting = msg('m2', 2, { body: { kind: 'undecryptable', reason: 'no key', code: 'waiting-for-key', retrying: true } });
    const list = upsertMessages([msg('m1', 1), waiting], [msg('m2', 2, { body: { kind: 'text', text: 'now readable' } })]);
    expect(list.map((m) => (m.body.kind === 'text' ? m.body.text : m.body.kind))).toEqual(['m1', 'now readable']);
  });

  it('does not modify its inputs', () => {
    const current = [msg('m2', 2), msg('m1', 1)];
    upsertMessages(current, [msg('m3', 3)]);
    removeMessage(current, 'm2');
    expect(current.map((m) => m.id)).toEqual(['m2', 'm1']);
  });
});

describe('removeMessage', () => {
  it('drops the item the SDK no longer shows and keeps the rest in order', () => {
    expect(removeMessage([msg('m1', 1), msg('m2', 2), msg('m3', 3)], 'm2').map((m) => m.id)).toEqual(['m1', 'm3']);
    expect(removeMessage([msg('m1', 1)], 'nope')).toHaveLength(1);
  });
});

describe('snippet and quoteOf', () => {
  it('collapses whitespace and cuts long text at a code point with an ellipsis', () => {
    expect(snippet('  hello\n\n  world  ')).toBe('hello world');
    const long = `${'🙂'.repeat(10)}${'a'.repeat(200)}`;
    const cut = snippet(long, 20);
    expect([...cut]).toHaveLength(20);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.startsWith('🙂'.repeat(10))).toBe(true);
  });

  it('quotes text, and describes what is not text', () => {
    expect(quoteOf(msg('m1', 1, { body: { kind: 'text', text: 'Lunch at noon?' } }))).toBe('Lunch at noon?');
    expect(quoteOf(msg('m1', 1, { body: { kind: 'deleted', reason: 'deleted by its author' } }))).toBe('Message deleted');
  });
});

describe('actionsFor', () => {
  it('lets anyone reply and react to a stored text, and only the author edit or delete it', () => {
    expect(actionsFor(msg('m1', 1))).toEqual({ reply: true, react: true, edit: false, delete: false });
    expect(actionsFor(msg('m1', 1, { mine: true }))).toEqual({ reply: true, react: true, edit: true, delete: true });
  });

  it('offers nothing on a pending or failed message, and nothing on a tombstone', () => {
    expect(Object.values(actionsFor(msg('p1', 0, { mine: true }))).some(Boolean)).toBe(false);
    expect(Object.values(actionsFor(msg('f1', 0, { mine: true, status: 'failed' }))).some(Boolean)).toBe(false);
    const tombstone = msg('m1', 1, { mine: true, body: { kind: 'deleted', reason: 'deleted' } });
    expect(Object.values(actionsFor(tombstone)).some(Boolean)).toBe(false);
  });

  it('offers no reply or reaction on a message that cannot be read', () => {
    const waiting = msg('m1', 1, { body: { kind: 'undecryptable', reason: 'no key', code: 'waiting-for-key', retrying: true } });
    expect(actionsFor(waiting)).toEqual({ reply: false, react: false, edit: false, delete: false });
  });
});

describe('describeUndecryptable', () => {
  it('is calm while a key may still arrive, and a warning when the message was refused', () => {
    const waiting = describeUndecryptable({ kind: 'undecryptable', reason: 'x', code: 'waiting-for-key', retrying: true });
    expect(waiting.tone).toBe('waiting');
    expect(waiting.title).toBe("Can't decrypt this message yet");
    expect(waiting.detail).toMatch(/appear here by itself/);
    expect(describeUndecryptable({ kind: 'undecryptable', reason: 'x', code: 'offline', retrying: false }).tone).toBe('waiting');
    expect(describeUndecryptable({ kind: 'undecryptable', reason: 'x', code: 'rejected', retrying: false }).tone).toBe('warning');
    expect(describeUndecryptable({ kind: 'undecryptable', reason: 'x', code: 'untrusted-sender', retrying: false }).tone).toBe('warning');
    expect(describeUndecryptable({ kind: 'undecryptable', reason: 'x', code: 'legacy', retrying: false }).tone).toBe('muted');
  });

  it('matches the short forms used in previews', () => {
    expect(describeBodyShort({ kind: 'undecryptable', reason: 'x', code: 'waiting-for-key', retrying: true })).toBe('Waiting for this message…');
    expect(describeBodyShort({ kind: 'undecryptable', reason: 'x', code: 'rejected', retrying: false })).toBe('Message could not be decrypted');
  });
});
