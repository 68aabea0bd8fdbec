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
  if (err instanceof Error && err.message) return capitalize(err.message);
  return fallback;
}

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
