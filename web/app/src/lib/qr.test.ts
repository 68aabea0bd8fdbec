import { describe, expect, it } from 'vitest';
import qrcode from 'qrcode-generator';
import { byteString, qrPath } from './qr';

/** A safety-number QR payload has the SDK's shape: version (2 bytes) and two 32-byte fingerprints. */
const payload = Uint8Array.from({ length: 66 }, (_, i) => (i * 37 + 200) % 256);

describe('qrPath', () => {
  it('draws every dark module of the code of the raw bytes, inside a quiet zone', () => {
    const drawn = qrPath(payload);
    expect(drawn).not.toBeNull();
    const reference = qrcode(0, 'M');
    reference.addData(String.fromCharCode(...payload), 'Byte');
    reference.make();
    const count = reference.getModuleCount();
    expect(drawn!.size).toBe(count + 8);
    let dark = 0;
    for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) if (reference.isDark(r, c)) dark++;
    expect(drawn!.path.match(/M/g)).toHaveLength(dark);
    // The top-left finder pattern starts right after the quiet zone.
    expect(drawn!.path.startsWith('M4 4h1v1h-1z')).toBe(true);
  });

  it('hands the library exactly the payload bytes, including those above 127 (no text encoding)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(qrcode.stringToBytes(byteString(all))).toEqual([...all]);
    expect(qrcode.stringToBytes(byteString(payload))).toEqual([...payload]);
  });
});
