import type { SecurityEvent, SignOutReason } from '@cipherlink/client';

/** The notice the sign-in screen shows after a sign-out the user did not just ask for in this tab. */
export function signOutNotice(reason: SignOutReason): string | null {
  switch (reason) {
    case 'session-ended':
    case 'other-tab-session-ended':
      return 'You were signed out: this session was ended.';
    case 'other-tab-logout':
      return 'You signed out in another tab.';
    case 'logout-everywhere':
    case 'other-tab-logout-everywhere':
      return 'You were signed out on every device.';
    case 'account-deleted':
    case 'other-tab-account-deleted':
      return 'Your account was deleted.';
    case 'logout':
      return null;
  }
}

/** How alarming a security event is: `alert` for a detected attack, `info` for the user's own actions. */
export type EventTone = 'alert' | 'info';

/** One sentence for a security event, naming the device it concerns when the server knows it. */
export function describeSecurityEvent(event: SecurityEvent): { text: string; tone: EventTone } {
  const on = event.device ? ` (${event.device})` : '';
  switch (event.kind) {
    case 'refresh_token_reuse':
      return { text: `A stolen sign-in token was detected and that session was ended${on}.`, tone: 'alert' };
    case 'password_changed':
      return { text: 'Your password was changed and your other sessions were signed out.', tone: 'info' };
    case 'session_revoked':
      return { text: event.device ? `A session was signed out: ${event.device}.` : 'A session was signed out.', tone: 'info' };
    case 'other_sessions_revoked':
      return { text: 'All other sessions were signed out.', tone: 'info' };
    case 'logged_out_everywhere':
      return { text: 'You logged out everywhere.', tone: 'info' };
  }
}

/** A rough kind of device from the server's label ("Chrome 142 on Android"), for the icon only. */
export function deviceKindOf(label: string): 'phone' | 'computer' {
  return /\b(android|iphone|ipad|ios|mobile)\b/i.test(label) ? 'phone' : 'computer';
}
