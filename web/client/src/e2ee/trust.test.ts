import { describe, expect, it } from 'vitest';
import { acceptCurrentKey, currentKeyOf, isBlocked, markKeyVerified, observeIdentityKey, trustStateOf, unmarkKeyVerified, type TrustRecord } from './trust';

const A = 'key-a';
const B = 'key-b';
const C = 'key-c';
const at = new Date('2026-01-02T03:04:05.000Z');

describe('trust on first use', () => {
  it('pins the first key seen, unverified, and reports nothing', () => {
    const o = observeIdentityKey(undefined, A, at);
    expect(o).toEqual({ record: { pinned: A, verified: false }, updated: true });
    expect(trustStateOf(o.record)).toBe('unverified');
    expect(trustStateOf(undefined)).toBe('no-identity');
  });

  it('leaves an unchanged key alone', () => {
    const rec: TrustRecord = { pinned: A, verified: true };
    expect(observeIdentityKey(rec, A, at)).toEqual({ record: rec, updated: false });
  });

  it('notes a change of an unverified key without blocking, and uses the new key', () => {
    const o = observeIdentityKey({ pinned: A, verified: false }, B, at);
    expect(o.event).toEqual({ kind: 'changed', wasVerified: false });
    expect(trustStateOf(o.record)).toBe('changed');
    expect(isBlocked(o.record)).toBe(false);
    expect(currentKeyOf(o.record)).toBe(B);
  });

  it('blocks after a change of a verified key until the change is accepted', () => {
    const o = observeIdentityKey({ pinned: A, verified: true }, B, at);
    expect(o.event).toEqual({ kind: 'changed', wasVerified: true });
    expect(o.record.verified).toBe(false);
    expect(isBlocked(o.record)).toBe(true);
    // Seeing the same new key again is no new event.
    expect(observeIdentityKey(o.record, B, at)).toEqual({ record: o.record, updated: false });
    const accepted = acceptCurrentKey(o.record);
    expect(accepted).toEqual({ pinned: B, verified: false });
    expect(isBlocked(accepted)).toBe(false);
    expect(trustStateOf(accepted)).toBe('unverified');
    // Accepting when nothing changed keeps a verified key verified.
    expect(acceptCurrentKey({ pinned: A, verified: true })).toEqual({ pinned: A, verified: true });
  });

  it('keeps the block through a second change before acceptance', () => {
    const first = observeIdentityKey({ pinned: A, verified: true }, B, at).record;
    const second = observeIdentityKey(first, C, at);
    expect(second.event).toEqual({ kind: 'changed', wasVerified: true });
    expect(isBlocked(second.record)).toBe(true);
    expect(currentKeyOf(second.record)).toBe(C);
  });

  it('restores the record when the directory serves the pinned key again', () => {
    const changed = observeIdentityKey({ pinned: A, verified: true }, B, at).record;
    const back = observeIdentityKey(changed, A, at);
    expect(back.event).toEqual({ kind: 'reverted' });
    expect(back.record).toEqual({ pinned: A, verified: true });
  });

  it('verifies only the current key; verifying a pending key accepts it', () => {
    const changed = observeIdentityKey({ pinned: A, verified: true }, B, at).record;
    expect(() => markKeyVerified(changed, A)).toThrow();
    expect(markKeyVerified(changed, B)).toEqual({ pinned: B, verified: true });
    expect(unmarkKeyVerified({ pinned: B, verified: true })).toEqual({ pinned: B, verified: false });
    // Unmarking while a change is pending lifts the block (nothing verified is at stake any more).
    expect(isBlocked(unmarkKeyVerified(changed))).toBe(false);
  });
});
