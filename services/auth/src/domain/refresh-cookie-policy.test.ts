import { describe, expect, it } from 'vitest';
import { refreshCookieAttributes } from './refresh-cookie-policy';

describe('refreshCookieAttributes', () => {
  it('is httpOnly, SameSite=Strict and limited to /api/auth, with the given Max-Age', () => {
    expect(refreshCookieAttributes({ secure: 'false', requestProtocol: 'https', maxAgeSeconds: 2_592_000 })).toEqual({
      httpOnly: true,
      sameSite: 'strict',
      path: '/api/auth',
      secure: false,
      maxAge: 2_592_000,
    });
  });
  it('follows the request protocol when Secure is auto', () => {
    expect(refreshCookieAttributes({ secure: 'auto', requestProtocol: 'https' }).secure).toBe(true);
    expect(refreshCookieAttributes({ secure: 'auto', requestProtocol: 'http' }).secure).toBe(false);
  });
  it('forces Secure on when configured, even over http', () => {
    expect(refreshCookieAttributes({ secure: 'true', requestProtocol: 'http' }).secure).toBe(true);
  });
  it('has no Max-Age when building the clearing attributes', () => {
    expect(refreshCookieAttributes({ secure: 'auto', requestProtocol: 'http' })).not.toHaveProperty('maxAge');
  });
});
