import { describe, expect, it } from 'vitest';
import { LoginRequest, RegisterRequest } from '@cipherlink/proto';

// The username and password rules live in proto (shared with the web client); these tests pin what auth relies on.
describe('registration rules (proto RegisterRequest)', () => {
  const ok = (username: string, password = 'long enough password') => RegisterRequest.safeParse({ username, password });

  it('canonicalises usernames to trimmed lowercase (the unique key is case-insensitive)', () => {
    expect(ok('  Alice.Smith-2 ').data).toEqual({ username: 'alice.smith-2', password: 'long enough password' });
  });

  it('accepts 3 to 32 characters of letters, digits, "_", "." and "-" starting with a letter or digit', () => {
    for (const name of ['abc', 'a'.repeat(32), '0_x', 'z.y-x_w']) expect(ok(name).success).toBe(true);
    for (const name of ['ab', 'a'.repeat(33), '_abc', '.abc', '-abc', 'al ice', 'alice!', 'ålice', '']) expect(ok(name).success).toBe(false);
  });

  it('requires 15 to 256 code points of password (NIST SP 800-63B-4) and keeps it verbatim (no trimming)', () => {
    expect(ok('alice', '12345678901234').success).toBe(false);
    expect(ok('alice', 'x'.repeat(257)).success).toBe(false);
    expect(ok('alice', ' fifteen chars ').data?.password).toBe(' fifteen chars ');
    expect(ok('alice', 'x'.repeat(256)).success).toBe(true);
    // Counted in code points, not UTF-16 units: 15 emoji are 30 units but 15 characters; 14 are too few.
    expect(ok('alice', '🔑'.repeat(15)).success).toBe(true);
    expect(ok('alice', '🔑'.repeat(14)).success).toBe(false);
    expect(ok('alice', '🔑'.repeat(256)).success).toBe(true);
  });

  it('refuses unknown fields and wrong types', () => {
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'long enough password', admin: true }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 42, password: 'long enough password' }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 'alice' }).success).toBe(false);
  });
});

describe('login rules (proto LoginRequest)', () => {
  it('lowercases the username so login is case-insensitive', () => {
    expect(LoginRequest.parse({ username: ' ALICE ', password: 'x' })).toEqual({ username: 'alice', password: 'x' });
  });
  it('refuses empty or oversized fields', () => {
    for (const body of [{ username: '', password: 'x' }, { username: 'a', password: '' }, { username: 'a'.repeat(65), password: 'x' }, { username: 'a', password: 'x'.repeat(1025) }]) {
      expect(LoginRequest.safeParse(body).success).toBe(false);
    }
  });
  it('accepts every password registration accepts (256 emoji are 512 UTF-16 units)', () => {
    expect(LoginRequest.safeParse({ username: 'a', password: '🔐'.repeat(256) }).success).toBe(true);
  });
});
