import Bowser from 'bowser';

/** Shown when the User-Agent says nothing usable. */
export const UNKNOWN_DEVICE = 'Unknown device';
const MAX_LABEL_CHARS = 64;

/**
 * A short human label for a session's device from its User-Agent, e.g. "Chrome 142 on Linux", "Safari 17 on iOS".
 * Non-browser clients show their product token ("curl/8.4.0"), reduced to harmless characters: the label is
 * attacker-controlled text that other pages display.
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  const ua = userAgent?.trim();
  if (!ua) return UNKNOWN_DEVICE;
  const { browser, os } = Bowser.parse(ua);
  const major = browser.version?.split('.')[0];
  const browserPart = browser.name ? [browser.name, major].filter(Boolean).join(' ') : undefined;
  const label = browserPart && os.name ? `${browserPart} on ${os.name}` : (browserPart ?? (os.name ? `Unknown browser on ${os.name}` : productToken(ua)));
  // Bowser's generic fallback copies text out of the User-Agent: keep letters, digits and plain punctuation only.
  return label.replace(/[^\p{L}\p{N} ._/()-]/gu, '').slice(0, MAX_LABEL_CHARS) || UNKNOWN_DEVICE;
}

function productToken(ua: string): string {
  const token = /^[A-Za-z0-9._/-]{1,40}/.exec(ua)?.[0];
  return token && /[A-Za-z]/.test(token) ? token : UNKNOWN_DEVICE;
}
