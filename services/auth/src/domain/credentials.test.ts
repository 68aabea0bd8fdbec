import { describe, expect, it } from 'vitest';
import { LoginRequest, RegisterRequest } from '@cipherlink/proto';

// The username and password rules live in proto (shared with the web client); these tests pin what auth relies on.
describe('registration rules (proto RegisterRequest)', () => {
  const ok = (username: string, password = 'long enough pw') => RegisterRequest.safeParse({ username, password });

  it('canonicalises usernames to trimmed lowercase (the unique key is case-insensitive)', () => {
    expect(ok('  Alice.Smith-2 ').data).toEqual({ username: 'alice.smith-2', password: 'long enough pw' });
  });

  it('accepts 3 to 32 characters of letters, digits, "_", "." and "-" starting with a letter or digit', () => {
    for (const name of ['abc', 'a'.repeat(32), '0_x', 'z.y-x_w']) expect(ok(name).success).toBe(true);
    for (const name of ['ab', 'a'.repeat(33), '_abc', '.abc', '-abc', 'al ice', 'alice!', 'ålice', '']) expect(ok(name).success).toBe(false);
  });

  it('requires 8 to 256 characters of password and keeps it verbatim (no trimming)', () => {
    expect(ok('alice', '1234567').success).toBe(false);
    expect(ok('alice', 'x'.repeat(257)).success).toBe(false);
    expect(ok('alice', ' 8 chars').data?.password).toBe(' 8 chars');
    expect(ok('alice', 'x'.repeat(256)).success).toBe(true);
  });

  it('refuses unknown fields and wrong types', () => {
    expect(RegisterRequest.safeParse({ username: 'alice', password: 'long enough pw', admin: true }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 42, password: 'long enough pw' }).success).toBe(false);
    expect(RegisterRequest.safeParse({ username: 'alice' }).success).toBe(false);
  });
});

describe('login rules (proto LoginRequest)', () => {
  it('lowercases the username so login is case-insensitive', () => {
    expect(LoginRequest.parse({ username: ' ALICE ', password: 'x' })).toEqual({ username: 'alice', password: 'x' });
  });
  it('refuses empty or oversized fields', () => {
    for (const body of [{ username: '', password: 'x' }, { username: 'a', password: '' }, { username: 'a'.repeat(65), password: 'x' }, { username: 'a', password: 'x'.repeat(257) }]) {
      expect(LoginRequest.safeParse(body).success).toBe(false);
    }
  });
});
