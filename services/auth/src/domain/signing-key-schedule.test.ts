import { describe, expect, it } from 'vitest';
import { pickSigningKey, rotationSchedule } from './signing-key-schedule';

const now = new Date('2025-01-01T12:00:00Z');
const at = (s: number) => new Date(now.getTime() + s * 1000);

describe('pickSigningKey', () => {
  it('picks the newest key whose window contains now', () => {
    const keys = [
      { kid: 'old', notBefore: at(-3600), retiredAt: at(60) },
      { kid: 'pending', notBefore: at(60), retiredAt: null },
    ];
    expect(pickSigningKey(keys, now)?.kid).toBe('old');
    expect(pickSigningKey(keys, at(59.999))?.kid).toBe('old');
    expect(pickSigningKey(keys, at(60))?.kid).toBe('pending');
    expect(pickSigningKey(keys, at(9999))?.kid).toBe('pending');
  });

  it('never picks a retired key, and answers undefined when none may sign', () => {
    expect(pickSigningKey([{ kid: 'gone', notBefore: at(-10), retiredAt: at(-1) }], now)).toBeUndefined();
    expect(pickSigningKey([{ kid: 'future', notBefore: at(1), retiredAt: null }], now)).toBeUndefined();
    expect(pickSigningKey([], now)).toBeUndefined();
  });

  it('breaks a tie on notBefore by kid, so every instance picks the same key', () => {
    const keys = [
      { kid: 'b', notBefore: at(-1), retiredAt: null },
      { kid: 'a', notBefore: at(-1), retiredAt: null },
    ];
    expect(pickSigningKey(keys, now)?.kid).toBe('b');
    expect(pickSigningKey([...keys].reverse(), now)?.kid).toBe('b');
  });
});

describe('rotationSchedule', () => {
  it('starts the new key after the publish delay and retires the others at that instant', () => {
    expect(rotationSchedule(now, 60)).toEqual({ notBefore: at(60), retireOthersAt: at(60) });
    expect(rotationSchedule(now, 0)).toEqual({ notBefore: now, retireOthersAt: now });
  });
});
