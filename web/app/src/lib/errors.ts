import { ApiError } from '@cipherlink/client';

interface IssueDetail {
  path?: unknown;
  message?: unknown;
}

/**
 * A short human sentence for any thrown value. For API validation errors the server sends
 * `details: [{ path, message }]`; those messages are more useful than the generic "invalid body".
 */
export function describeError(err: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'Network error. Check your connection and try again.';
    const issues = validationMessages(err.details);
    if (issues.length > 0) return issues.join('; ');
    if (err.code === 'rate_limited') {
      const wait = retryAfterOf(err.details);
      return wait ? `Too many attempts. Please wait ${waitText(wait)} and try again.` : 'Too many attempts. Please wait a moment and try again.';
    }
    if (err.status >= 500 || err.code === 'internal' || err.code === 'unavailable') {
      return 'The server is unavailable right now. Please try again.';
    }
    return capitalize(err.message || fallback);
  }
  if (err instanceof TypeError) return 'Network error. Check your connection and try again.';
  const known = err instanceof Error ? sdkErrorText[err.name] : undefined;
  if (known) return known;
  if (err instanceof Error && err.message) return capitalize(err.message);
  return fallback;
}

/**
 * The SDK's end-to-end errors (web/client V1_API.md, section 7), by their stable `name`: the SDK's own messages are
 * written for developers, these for the people using the app.
 */
const sdkErrorText: Record<string, string | undefined> = {
  InvalidRecoveryKeyError: "That isn't a valid recovery key. Check it for typos: it has 64 characters in 16 groups of 4.",
  WrongBackupKeyError: "That doesn't open your key backup. Check that it belongs to this account.",
  NoKeyBackupError: 'Your account has no key backup to restore from.',
  BackupIdentityMismatchError: 'That backup belongs to an older identity key of your account and cannot be used.',
  EncryptionNotReadyError: "Encryption isn't ready on this device yet. Restore your keys first.",
  UntrustedIdentityError: "A contact's safety number changed. Check it and accept the new key before sending.",
  EditNotAllowedError: 'You can only edit or delete your own messages.',
  MessageNotFoundError: 'That message is no longer available.',
  MessageTooLongError: 'That message is too long to send.',
  NotConnectedError: 'Not connected. The message will be sent when the connection is back.',
  AckTimeoutError: "The server didn't confirm in time. Check your connection and try again.",
};

/** The server's `details.retryAfterSeconds` of a 429, when present. */
function retryAfterOf(details: unknown): number | undefined {
  const value = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value) : undefined;
}

function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}

function validationMessages(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details
    .map((d: IssueDetail) => (typeof d?.message === 'string' ? capitalize(d.message) : null))
    .filter((m): m is string => m !== null);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
