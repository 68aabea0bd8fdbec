import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin';

describe('isOriginAllowed', () => {
  const allow = ['https://app.cipherlink.example'];
  it('accepts allow-listed origins', () => expect(isOriginAllowed('https://app.cipherlink.example', 'api.internal', allow)).toBe(true));
  it('accepts the same origin as the request', () => expect(isOriginAllowed('http://127.0.0.1:41234', '127.0.0.1:41234', allow)).toBe(true));
  it('rejects other sites', () => {
    expect(isOriginAllowed('https://evil.example', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:41235', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('null', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('https://evil.example', undefined, allow)).toBe(false);
  });
});
