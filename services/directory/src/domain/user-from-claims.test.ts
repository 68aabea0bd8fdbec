import { describe, expect, it } from 'vitest';
import { userFromClaims } from './user-from-claims';

const sub = '0190f5c2-0000-7000-8000-00000000000A';

describe('userFromClaims', () => {
  it('takes the id from sub and the canonical lowercase username from name', () => {
    expect(userFromClaims({ sub, name: 'Alice' })).toEqual({ id: sub.toLowerCase(), username: 'alice' });
  });

  it('rejects a name that is not a valid username', () => {
    expect(userFromClaims({ sub, name: '' })).toBeUndefined();
    expect(userFromClaims({ sub, name: 'no spaces allowed' })).toBeUndefined();
  });
});
