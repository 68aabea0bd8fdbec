import { describe, expect, it } from 'vitest';
import { ApiError } from '@cipherlink/client';
import { describeError } from './errors';

describe('describeError', () => {
  it("shows the server's validation messages (the password rule at registration)", () => {
    const err = new ApiError(400, 'bad_request', 'invalid registration', [{ path: 'password', message: 'password must be at least 15 characters' }]);
    expect(describeError(err)).toBe('Password must be at least 15 characters');
  });

  it("shows the server's message for other refusals", () => {
    expect(describeError(new ApiError(403, 'forbidden', 'current password is incorrect'))).toBe('Current password is incorrect');
  });

  it('tells how long to wait when rate limited', () => {
    expect(describeError(new ApiError(429, 'rate_limited', 'too many requests', { retryAfterSeconds: 42 }))).toBe(
      'Too many attempts. Please wait 42 seconds and try again.',
    );
    expect(describeError(new ApiError(429, 'rate_limited', 'too many requests', { retryAfterSeconds: 90 }))).toBe(
      'Too many attempts. Please wait 2 minutes and try again.',
    );
    expect(describeError(new ApiError(429, 'rate_limited', 'too many requests'))).toBe('Too many attempts. Please wait a moment and try again.');
  });

  it('never shows internals of a server failure', () => {
    expect(describeError(new ApiError(500, 'internal', 'db exploded at row 7'))).toBe('The server is unavailable right now. Please try again.');
    expect(describeError(new ApiError(0, 'unavailable', 'network error'))).toBe('Network error. Check your connection and try again.');
  });

  it('explains the end-to-end errors of the SDK in plain words, by their names', () => {
    const named = (name: string) => Object.assign(new Error('developer text'), { name });
    expect(describeError(named('InvalidRecoveryKeyError'))).toMatch(/isn't a valid recovery key/);
    expect(describeError(named('NoKeyBackupError'))).toBe('Your account has no key backup to restore from.');
    expect(describeError(named('UntrustedIdentityError'))).toMatch(/safety number changed/);
    expect(describeError(named('EditNotAllowedError'))).toBe('You can only edit or delete your own messages.');
    expect(describeError(named('SomethingElse'))).toBe('Developer text');
  });
});
