import { describe, expect, it } from 'vitest';
import { UuidV7 } from '@cipherlink/proto';
import { createUuidV7Generator, uuidv7 } from './uuidv7';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10, and passes the proto schema', () => {
    for (let i = 0; i < 100; i++) {
      const id = uuidv7();
      expect(id).toMatch(FORMAT);
      expect(UuidV7.safeParse(id).success).toBe(true);
    }
  });

  it('encodes the current Unix milliseconds in the first 48 bits', () => {
    const gen = createUuidV7Generator({ now: () => 0x0123456789ab });
    expect(gen().replace(/-/g, '').slice(0, 12)).toBe('0123456789ab');
  });

  it('is strictly increasing within one millisecond and when the clock steps back', () => {
    const t = 1_700_000_000_000;
    const clock = [t, t, t, t - 5, t - 5, t + 1, t + 1];
    let i = 0;
    const gen = createUuidV7Generator({ now: () => clock[Math.min(i++, clock.length - 1)]! });
    const ids = Array.from({ length: 5000 }, () => gen());
    for (let k = 1; k < ids.length; k++) expect(ids[k]! > ids[k - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('borrows the next millisecond when the 12-bit counter is exhausted, staying ordered', () => {
    const gen = createUuidV7Generator({ now: () => 1000, random: (b) => b.fill(0xff) });
    const ids = Array.from({ length: 5000 }, () => gen());
    for (let k = 1; k < ids.length; k++) expect(ids[k]! > ids[k - 1]!).toBe(true);
    const lastMs = parseInt(ids.at(-1)!.replace(/-/g, '').slice(0, 12), 16);
    expect(lastMs).toBeGreaterThan(1000);
  });
});
