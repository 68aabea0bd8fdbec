import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin-policy';

const allowed = ['http://localhost:8080', 'https://chat.example.com'];

describe('isOriginAllowed', () => {
  it('allows a missing Origin (non-browser clients)', () => {
    expect(isOriginAllowed(undefined, allowed)).toBe(true);
  });
  it('allows listed origins, case- and default-port-insensitively', () => {
    expect(isOriginAllowed('http://localhost:8080', allowed)).toBe(true);
    expect(isOriginAllowed('HTTPS://Chat.Example.com', allowed)).toBe(true);
    expect(isOriginAllowed('https://chat.example.com:443', allowed)).toBe(true);
  });
  it('rejects other origins, other ports and schemes, and the opaque null origin', () => {
    expect(isOriginAllowed('https://evil.example', allowed)).toBe(false);
    expect(isOriginAllowed('http://localhost:8081', allowed)).toBe(false);
    expect(isOriginAllowed('http://chat.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('null', allowed)).toBe(false);
    expect(isOriginAllowed('', allowed)).toBe(false);
    expect(isOriginAllowed('https://chat.example.com.evil.example', allowed)).toBe(false);
  });
  it('rejects everything present when nothing is allowed', () => {
    expect(isOriginAllowed('http://localhost:8080', [])).toBe(false);
  });
});
