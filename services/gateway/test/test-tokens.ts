import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYPE, AUTH_AUDIENCE, AUTH_ISSUER, type Jwks } from '@cipherlink/proto';

/**
 * A stand-in signing key for gateway tests that run without the auth service: its JWKS (served by the test on the
 * real NATS as auth would) and well-formed ES256 access tokens signed with it.
 */
export function createTestTokens(kid: string) {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks: Jwks = {
    keys: [{ ...(keys.publicKey.export({ format: 'jwk' }) as { x: string; y: string }), kty: 'EC', crv: 'P-256', kid, alg: ACCESS_TOKEN_ALG, use: 'sig' }],
  };
  function tokenFor(userId: string, sessionId: string = randomUUID(), jti: string = randomUUID()): string {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: AUTH_ISSUER, aud: AUTH_AUDIENCE, sub: userId, sid: sessionId, jti, iat: now, exp: now + 300, name: 'alice' };
    const input = `${b64({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE, kid })}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }
  return { jwks, tokenFor };
}
