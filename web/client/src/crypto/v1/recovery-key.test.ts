import { describe, expect, it } from 'vitest';
import { InvalidRecoveryKeyError } from './errors';
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from './recovery-key';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('recovery keys', () => {
  it('256 random bits shown as 16 groups of 4 Crockford base32 characters, and parsed back', async () => {
    const rk = await generateRecoveryKey();
    expect(rk.key).toHaveLength(32);
    expect(rk.text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4} ){15}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(hex(await parseRecoveryKey(rk.text))).toBe(hex(rk.key));
    expect((await generateRecoveryKey()).text).not.toBe(rk.text);
  });

  it('the first character is the version (1 -> "0"), and the text is a fixed function of the key', async () => {
    const text = await formatRecoveryKey(new Uint8Array(32));
    expect(text.startsWith('04')).toBe(true); // 0x01 then zero bits: 00000 00100 ...
    expect(await formatRecoveryKey(new Uint8Array(32))).toBe(text);
  });

  it('parsing tolerates case, spacing, hyphens, line breaks and O/I/L look-alikes', async () => {
    const rk = await generateRecoveryKey();
    const compact = rk.text.replaceAll(' ', '');
    const variants = [
      compact,
      rk.text.toLowerCase(),
      `  ${rk.text.replaceAll(' ', '-')}\n`,
      compact.replace(/(.{16})/g, '$1\n'),
      compact.replaceAll('0', 'o').replaceAll('1', 'I'),
      compact.replaceAll('1', 'l'),
    ];
    for (const v of variants) expect(hex(await parseRecoveryKey(v))).toBe(hex(rk.key));
  });

  it('a typo, a missing character or a foreign character is refused, not turned into another key', async () => {
    const rk = await generateRecoveryKey();
    const chars = rk.text.replaceAll(' ', '');
    let typosCaught = 0;
    for (let i = 0; i < chars.length; i++) {
      const swapped = chars[i] === 'Z' ? 'Y' : 'Z';
      const typo = chars.slice(0, i) + swapped + chars.slice(i + 1);
      await expect(parseRecoveryKey(typo)).rejects.toThrow(InvalidRecoveryKeyError);
      typosCaught++;
    }
    expect(typosCaught).toBe(64);
    await expect(parseRecoveryKey(chars.slice(1))).rejects.toThrow(/64 characters/);
    await expect(parseRecoveryKey(`${chars.slice(1)}U`)).rejects.toThrow(/alphabet/);
    await expect(parseRecoveryKey('')).rejects.toThrow(InvalidRecoveryKeyError);
  });
});
