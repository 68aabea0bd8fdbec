import { beforeAll, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_TYPE, AUTH_AUDIENCE, AUTH_ISSUER, type Jwks, PublicJwk } from '@cipherlink/proto';
import { bearerToken, createAccessTokenVerifier, type AccessTokenVerifier } from './access-token';
import { UnauthorizedError } from './errors';

const NOW_S = 1_750_000_000;
const USER = '0b7c8a52-93a4-4c5e-9a43-3c2a6a1f4d10';
const SESSION = '5d2f0c1e-8f6b-4a39-b1c2-7e9d0a4b3c21';

interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  kid: string;
  publicJwk: PublicJwk;
}

async function newKey(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { privateKey, publicKey, kid, publicJwk: PublicJwk.parse({ ...jwk, kid, alg: 'ES256', use: 'sig' }) };
}

const claims = (over: Record<string, unknown> = {}): JWTPayload => ({
  iss: AUTH_ISSUER,
  aud: AUTH_AUDIENCE,
  sub: USER,
  sid: SESSION,
  jti: 'jti-1',
  iat: NOW_S - 60,
  exp: NOW_S + 840,
  name: 'alice',
  ...over,
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let ours: KeyPair;
let attacker: KeyPair;
let verifier: AccessTokenVerifier;

async function sign(payload: JWTPayload, opts: { key?: KeyPair; header?: Record<string, unknown> } = {}): Promise<string> {
  const key = opts.key ?? ours;
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: ACCESS_TOKEN_TYPE, kid: key.kid, ...opts.header }).sign(key.privateKey);
}

async function expectRejected(token: string, message = /invalid access token|access token expired/): Promise<void> {
  const err = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnauthorizedError);
  expect((err as UnauthorizedError).code).toBe('unauthorized');
  expect((err as Error).message).toMatch(message);
}

beforeAll(async () => {
  ours = await newKey();
  attacker = await newKey();
  const jwks: Jwks = { keys: [ours.publicJwk] };
  verifier = createAccessTokenVerifier({ fetchJwks: async () => jwks, now: () => NOW_S * 1000, minRefetchMs: 0 });
});

describe('createAccessTokenVerifier', () => {
  it('accepts a valid token and returns its claims', async () => {
    const result = await verifier.verify(await sign(claims()));
    expect(result).toMatchObject({ sub: USER, sid: SESSION, jti: 'jti-1', name: 'alice', iss: AUTH_ISSUER, aud: AUTH_AUDIENCE });
  });

  it('accepts a token that expired 10 s ago (30 s clock tolerance)', async () => {
    await expect(verifier.verify(await sign(claims({ exp: NOW_S - 10 })))).resolves.toMatchObject({ sub: USER });
  });

  it('rejects a token that expired 31 s ago', async () => {
    await expectRejected(await sign(claims({ exp: NOW_S - 31 })), /access token expired/);
  });

  it('rejects alg "none"', async () => {
    await expectRejected(`${b64({ alg: 'none', typ: ACCESS_TOKEN_TYPE, kid: ours.kid })}.${b64(claims())}.`);
  });

  it('rejects HS256 signed with the public key bytes (algorithm confusion)', async () => {
    const secrets = [new TextEncoder().encode(JSON.stringify(ours.publicJwk)), new TextEncoder().encode(await exportSPKI(ours.publicKey))];
    for (const secret of secrets) {
      const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: ACCESS_TOKEN_TYPE, kid: ours.kid }).sign(secret);
      await expectRejected(token);
    }
  });

  it('rejects a token signed by another key, whether it claims our kid or its own', async () => {
    await expectRejected(await sign(claims(), { key: attacker, header: { kid: ours.kid } }));
    await expectRejected(await sign(claims(), { key: attacker }));
  });

  it('ignores a key embedded in the header (jwk) and rejects the token', async () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: attacker.publicJwk.x, y: attacker.publicJwk.y };
    await expectRejected(await sign(claims(), { key: attacker, header: { kid: ours.kid, jwk } }));
    await expectRejected(await sign(claims(), { key: attacker, header: { kid: undefined, jwk } }));
  });

  it('rejects a wrong issuer, audience or typ', async () => {
    await expectRejected(await sign(claims({ iss: 'someone-else' })));
    await expectRejected(await sign(claims({ aud: 'other-audience' })));
    await expectRejected(await sign(claims(), { header: { typ: 'JWT' } }));
    await expectRejected(await sign(claims(), { header: { typ: undefined } }));
  });

  it('rejects a token without exp or jti', async () => {
    const { exp: _exp, ...noExp } = claims();
    const { jti: _jti, ...noJti } = claims();
    await expectRejected(await sign(noExp));
    await expectRejected(await sign(noJti));
  });

  it('rejects an edited payload that keeps the original signature', async () => {
    const [header, , signature] = (await sign(claims())).split('.');
    await expectRejected(`${header}.${b64(claims({ sub: '11111111-1111-4111-8111-111111111111' }))}.${signature}`);
  });

  it('rejects a stripped signature', async () => {
    const [header, payload] = (await sign(claims())).split('.');
    await expectRejected(`${header}.${payload}.`);
    await expectRejected(`${header}.${payload}`);
  });

  it('fetches the key set again after a fetch that failed synchronously', async () => {
    let calls = 0;
    const fresh = createAccessTokenVerifier({
      fetchJwks: () => {
        if (++calls === 1) throw new Error('not connected yet');
        return Promise.resolve({ keys: [ours.publicJwk] });
      },
      now: () => NOW_S * 1000,
    });
    const token = await sign(claims());
    await expect(fresh.verify(token)).rejects.toThrow(/cannot verify access token now/);
    await expect(fresh.verify(token)).resolves.toMatchObject({ sub: USER });
    expect(calls).toBe(2);
  });

  it('rejects garbage and oversized input without throwing anything but UnauthorizedError', async () => {
    for (const bad of ['', 'abc', 'a.b.c', `${'a'.repeat(5000)}`]) await expectRejected(bad);
  });
});

describe('bearerToken', () => {
  it('extracts the token from a Bearer header only', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
