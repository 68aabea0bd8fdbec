import { describe, expect, it } from 'vitest';
import { deviceLabel } from './device-label';

describe('deviceLabel', () => {
  it('names the browser (major version) and the operating system', () => {
    expect(deviceLabel('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36')).toBe('Chrome 142 on Linux');
    expect(deviceLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe('Firefox 133 on Windows');
    expect(
      deviceLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'),
    ).toBe('Safari 17 on iOS');
  });

  it('shows the product token of a non-browser client, reduced to harmless characters', () => {
    expect(deviceLabel('curl/8.4.0')).toBe('curl/8.4.0');
    expect(deviceLabel('<script>alert(1)</script>')).toBe('Unknown device');
    expect(deviceLabel('x'.repeat(500))).toHaveLength(40);
    expect(deviceLabel('Evil<b>/1.0 (X11; Linux)')).toBe('Evilb 1 on Linux');
  });

  it('answers "Unknown device" without a User-Agent', () => {
    for (const ua of [undefined, null, '', '   ', '1234']) expect(deviceLabel(ua)).toBe('Unknown device');
  });
});
