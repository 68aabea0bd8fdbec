import { describe, expect, it } from 'vitest';
import type { SecurityEvent, SignOutReason } from '@cipherlink/client';
import { describeSecurityEvent, deviceKindOf, signOutNotice } from './security';

const event = (kind: SecurityEvent['kind'], extra: Partial<SecurityEvent> = {}): SecurityEvent => ({
  id: '0190a6e0-0000-4000-8000-000000000001',
  kind,
  at: '2025-03-10T15:30:00.000Z',
  ...extra,
});

describe('signOutNotice', () => {
  it('explains every sign-out the user did not just ask for here, and says nothing after a plain logout', () => {
    expect(signOutNotice('session-ended')).toBe('You were signed out: this session was ended.');
    expect(signOutNotice('other-tab-session-ended')).toBe('You were signed out: this session was ended.');
    expect(signOutNotice('other-tab-logout')).toBe('You signed out in another tab.');
    expect(signOutNotice('account-deleted')).toBe('Your account was deleted.');
    expect(signOutNotice('logout')).toBeNull();
    const all: SignOutReason[] = [
      'logout',
      'logout-everywhere',
      'account-deleted',
      'session-ended',
      'other-tab-logout',
      'other-tab-logout-everywhere',
      'other-tab-account-deleted',
      'other-tab-session-ended',
    ];
    expect(all.filter((r) => signOutNotice(r) === null)).toEqual(['logout']);
  });
});

describe('describeSecurityEvent', () => {
  it('flags a detected token theft as an alert, naming the device', () => {
    expect(describeSecurityEvent(event('refresh_token_reuse', { device: 'Firefox 140 on Windows' }))).toEqual({
      text: 'A stolen sign-in token was detected and that session was ended (Firefox 140 on Windows).',
      tone: 'alert',
    });
    expect(describeSecurityEvent(event('refresh_token_reuse')).text).toBe('A stolen sign-in token was detected and that session was ended.');
  });

  it("describes the user's own actions as information", () => {
    expect(describeSecurityEvent(event('password_changed'))).toMatchObject({ tone: 'info', text: expect.stringContaining('password was changed') });
    expect(describeSecurityEvent(event('session_revoked', { device: 'Safari on iPhone' })).text).toBe('A session was signed out: Safari on iPhone.');
    expect(describeSecurityEvent(event('session_revoked')).text).toBe('A session was signed out.');
    expect(describeSecurityEvent(event('other_sessions_revoked')).text).toBe('All other sessions were signed out.');
    expect(describeSecurityEvent(event('logged_out_everywhere')).text).toBe('You logged out everywhere.');
  });
});

describe('deviceKindOf', () => {
  it('tells phones from computers by the label', () => {
    expect(deviceKindOf('Chrome 142 on Android')).toBe('phone');
    expect(deviceKindOf('Safari on iPhone')).toBe('phone');
    expect(deviceKindOf('Chrome 142 on Linux')).toBe('computer');
    expect(deviceKindOf('Unknown device')).toBe('computer');
  });
});
