import { describe, expect, it } from 'vitest';
import { passwordPolicyViolations } from './password-policy';

const check = (password: string, username = 'alice') => passwordPolicyViolations(password, { username });

describe('passwordPolicyViolations', () => {
  it('accepts long passwords of any composition', () => {
    for (const ok of ['correct horse battery staple', 'aaaaaaaaaaaaaab', '🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐🔐🔑', 'al1ce is not it ok', '               x']) {
      expect(check(ok)).toEqual([]);
    }
  });

  it('refuses the username, or a password containing it, in any case or compatibility form', () => {
    expect(check('alice')).toEqual(['password must not contain your username']);
    expect(check('my name is ALICE, hello')).toEqual(['password must not contain your username']);
    expect(check('ｍｙ ａｌｉｃｅ password')).toEqual(['password must not contain your username']);
    expect(check('correct horse battery', 'Horse')).toEqual(['password must not contain your username']);
  });

  it('refuses the product name', () => {
    expect(check('my CipherLink password')).toEqual(['password must not contain the name "CipherLink"']);
    expect(check('ＣＩＰＨＥＲＬＩＮＫ forever')).toEqual(['password must not contain the name "CipherLink"']);
  });

  it('refuses a single repeated character, counted in code points', () => {
    expect(check('x'.repeat(15))).toEqual(['password must not be a single repeated character']);
    expect(check('X'.repeat(8) + 'x'.repeat(8))).toEqual(['password must not be a single repeated character']);
    expect(check('🔐'.repeat(15))).toEqual(['password must not be a single repeated character']);
    expect(check(' '.repeat(20))).toEqual(['password must not be a single repeated character']);
  });

  it('reports every reason at once', () => {
    expect(check('alicecipherlink', 'alice')).toHaveLength(2);
    expect(check('aaaaaaaaaaaaaaa', 'aaa')).toEqual(['password must not contain your username', 'password must not be a single repeated character']);
  });
});
