import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin-policy';

const allowed = ['http://localhost:8080', 'https://chat.example.com'];

describe('isOriginAllowed', () => {
  it('lets requests without an Origin header through', () => {
    expect(isOriginAllowed(undefined, allowed)).toBe(true);
  });
  it('accepts listed origins, ignoring case and a trailing slash', () => {
    expect(isOriginAllowed('http://localhost:8080', allowed)).toBe(true);
    expect(isOriginAllowed('HTTPS://Chat.Example.com/', allowed)).toBe(true);
  });
  it('refuses other origins, the opaque "null" origin and look-alikes', () => {
    for (const o of ['null', '', 'http://localhost:8081', 'https://chat.example.com.evil.test', 'http://chat.example.com']) {
      expect(isOriginAllowed(o, allowed)).toBe(false);
    }
  });
});
