import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password-hasher';

describe('password hashing', () => {
  it('produces argon2id hashes with the OWASP parameters and a random salt', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse');
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
  });

  it('answers false for an unknown user (dummy hash) and for a malformed stored hash', async () => {
    expect(await verifyPassword(undefined, 'anything at all')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'anything at all')).toBe(false);
  });

  it('checks unknown users against a dummy hash with the same parameters, so both cost one argon2 verification', async () => {
    const params = (h: string) => h.split('$').slice(1, 4).join('$');
    expect(params(DUMMY_HASH)).toBe(params(await hashPassword('any password at all')));
  });
});
