import { describe, expect, it } from 'vitest';
import { AccessTokenClaims } from '@cipherlink/proto';
import { buildAccessToken } from './access-token-claims';

const input = {
  userId: '0b7c8a52-93a4-4c5e-9a43-3c2a6a1f4d10',
  username: 'alice',
  sessionId: '5d2f0c1e-8f6b-4a39-b1c2-7e9d0a4b3c21',
  jti: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  nowMs: 1_700_000_000_999,
  ttlSeconds: 900,
  kid: 'key-1',
};

describe('buildAccessToken', () => {
  it('pins the header to ES256, at+jwt and the signing key id', () => {
    expect(buildAccessToken(input).header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'key-1' });
  });

  it('builds claims that satisfy the proto schema, with iat in whole seconds and exp = iat + ttl', () => {
    const { claims } = buildAccessToken(input);
    expect(AccessTokenClaims.parse(claims)).toEqual(claims);
    expect(claims).toEqual({
      iss: 'cipherlink-auth',
      aud: 'cipherlink',
      sub: input.userId,
      sid: input.sessionId,
      jti: input.jti,
      iat: 1_700_000_000,
      exp: 1_700_000_900,
      name: 'alice',
    });
  });

  it('carries no other claims (nothing secret can slip into a token)', () => {
    expect(Object.keys(buildAccessToken(input).claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'name', 'sid', 'sub']);
  });
});
