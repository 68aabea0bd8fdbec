import { describe, expect, it } from 'vitest';
import { MAX_EPOCH_AGE_MS, MAX_MESSAGES_PER_EPOCH, rotationDecision, type SenderKeyUsage } from './rotation';

const t0 = 1_764_000_000_000;
const members = { alice: ['a1', 'a2'], bob: ['b1'] };
const usage = (over: Partial<SenderKeyUsage> = {}): SenderKeyUsage => ({ createdAt: t0, messagesSent: 0, distributedTo: members, ...over });

describe('rotation policy', () => {
  it('keeps the epoch while nothing changed', () => {
    expect(rotationDecision(usage(), { bob: ['b1'], alice: ['a2', 'a1'] }, t0 + 1000)).toEqual({ rotate: false });
    expect(rotationDecision(usage({ messagesSent: MAX_MESSAGES_PER_EPOCH - 1 }), members, t0 + MAX_EPOCH_AGE_MS - 1)).toEqual({ rotate: false });
    expect(rotationDecision(usage(), new Map([['ALICE', new Set(['A1', 'a2'])], ['bob', new Set(['b1'])]]), t0)).toEqual({ rotate: false });
  });

  it('a member joined or left', () => {
    expect(rotationDecision(usage(), { alice: ['a1', 'a2'] }, t0)).toEqual({ rotate: true, reason: 'membership-changed' });
    expect(rotationDecision(usage(), { ...members, carol: ['c1'] }, t0)).toEqual({ rotate: true, reason: 'membership-changed' });
    expect(rotationDecision(usage(), { alice: ['a1', 'a2'], carol: ['b1'] }, t0)).toEqual({ rotate: true, reason: 'membership-changed' });
  });

  it('a member device was added, removed or replaced', () => {
    expect(rotationDecision(usage(), { alice: ['a1'], bob: ['b1'] }, t0)).toEqual({ rotate: true, reason: 'devices-changed' });
    expect(rotationDecision(usage(), { alice: ['a1', 'a2'], bob: ['b1', 'b2'] }, t0)).toEqual({ rotate: true, reason: 'devices-changed' });
    expect(rotationDecision(usage(), { alice: ['a1', 'a2'], bob: ['b2'] }, t0)).toEqual({ rotate: true, reason: 'devices-changed' });
  });

  it('after 1000 messages', () => {
    expect(rotationDecision(usage({ messagesSent: MAX_MESSAGES_PER_EPOCH }), members, t0)).toEqual({ rotate: true, reason: 'message-limit' });
    expect(MAX_MESSAGES_PER_EPOCH).toBe(1000);
  });

  it('after 7 days, or when the clock reads earlier than the key', () => {
    expect(MAX_EPOCH_AGE_MS).toBe(604_800_000);
    expect(rotationDecision(usage(), members, t0 + MAX_EPOCH_AGE_MS)).toEqual({ rotate: true, reason: 'age-limit' });
    expect(rotationDecision(usage(), members, t0 - 1)).toEqual({ rotate: true, reason: 'age-limit' });
    expect(rotationDecision(usage(), members, Number.NaN)).toEqual({ rotate: true, reason: 'age-limit' });
  });
});
