import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin';

const allow = ['http://localhost:8080', 'https://chat.example.com'];

describe('isOriginAllowed', () => {
  it('allows a missing Origin (non-browser clients carry no victim cookies)', () => expect(isOriginAllowed(undefined, 'x', allow)).toBe(true));
  it('allows listed origins, case- and default-port-insensitively', () => {
    expect(isOriginAllowed('http://localhost:8080', 'api.internal', allow)).toBe(true);
    expect(isOriginAllowed('HTTPS://Chat.Example.com', 'api.internal', allow)).toBe(true);
    expect(isOriginAllowed('https://chat.example.com:443', 'api.internal', allow)).toBe(true);
  });
  it('allows the same origin as the request', () => {
    expect(isOriginAllowed('http://127.0.0.1:41234', '127.0.0.1:41234', allow)).toBe(true);
    expect(isOriginAllowed('https://chat.other.example', 'chat.other.example', [])).toBe(true);
    expect(isOriginAllowed('https://chat.other.example', 'chat.other.example:443', [])).toBe(true);
  });
  it('rejects other sites, ports, schemes and the opaque null origin', () => {
    expect(isOriginAllowed('https://evil.example', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:41235', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('http://localhost:8081', 'api.internal', allow)).toBe(false);
    expect(isOriginAllowed('http://chat.example.com', 'api.internal', allow)).toBe(false);
    expect(isOriginAllowed('https://chat.example.com.evil.example', 'api.internal', allow)).toBe(false);
    expect(isOriginAllowed('null', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('', '127.0.0.1:41234', allow)).toBe(false);
    expect(isOriginAllowed('https://evil.example', undefined, allow)).toBe(false);
    expect(isOriginAllowed('http://localhost:8080', 'api.internal', [])).toBe(false);
  });
});
