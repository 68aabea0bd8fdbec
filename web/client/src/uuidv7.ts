/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter in `rand_a` (method 1), variant 10,
 * 62 random bits. Ids made by one generator sort in creation order even within one millisecond or when the clock
 * steps back, which keeps the server's message ids time-ordered.
 */
export type UuidV7Generator = () => string;

export interface UuidV7Options {
  now?: () => number;
  random?: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A generator with its own monotonic state (tests inject a clock). */
export function createUuidV7Generator(opts: UuidV7Options = {}): UuidV7Generator {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? ((b: Uint8Array<ArrayBuffer>) => globalThis.crypto.getRandomValues(b));
  let lastMs = -1;
  let counter = 0;

  return () => {
    const bytes = random(new Uint8Array(16));
    let ms = Math.floor(now());
    if (ms > lastMs) {
      // New millisecond: seed the counter randomly in its lower half so it has room to grow.
      counter = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
      lastMs = ms;
    } else {
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        // Counter exhausted: borrow the next millisecond rather than break ordering.
        lastMs = ms = lastMs + 1;
        counter = 0;
      }
    }
    bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
    bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
    bytes[2] = (ms >>> 24) & 0xff;
    bytes[3] = (ms >>> 16) & 0xff;
    bytes[4] = (ms >>> 8) & 0xff;
    bytes[5] = ms & 0xff;
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const h = Array.from(bytes, (b) => HEX[b]!).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

/** Process-wide UUIDv7 generator used for message ids. */
export const uuidv7: UuidV7Generator = createUuidV7Generator();
