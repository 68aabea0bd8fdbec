import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TYPE, AUTH_AUDIENCE, AUTH_ISSUER, ErrorBody, WsCloseCode } from '@cipherlink/proto';
import { createPgPool, type PgPool } from '@cipherlink/kit';
import { newUser, openDm, TestSocket, wsUrlOf, type TestUser } from './actors';
import { startTestStack } from './harness';
import type { Stack } from '../src/stack';

/**
 * Forged and tampered access tokens against EVERY verifier of the stack: auth (GET /api/auth/me), directory
 * (GET /api/directory/conversations), message-store (GET /api/messages/:id) and the gateway's WebSocket auth frame.
 * Tokens are built by hand (node:crypto), with the real signing key read from the test database where the attack
 * needs it, and a real user and session from a login. Only a well-formed token, and one expired less than the
 * 30 s clock tolerance ago, may pass; everything else is a 401 in the error shape, or on the socket an
 * `unauthorized` error frame and close 4001.
 */

let stack: Stack;
let pool: PgPool;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;
/** The signing key auth really uses (private half), its kid and its public JWK. */
let realKey: KeyObject;
let realKid: string;
let realPublicJwk: Record<string, unknown>;
/** An attacker's own P-256 key. */
const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attackerJwk = { ...(attacker.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), alg: 'ES256', use: 'sig' };

// ---- token construction by hand: no library would produce most of these ----

type Json = Record<string, unknown>;
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const sigInput = (header: Json, payload: Json) => `${b64(header)}.${b64(payload)}`;

function es256(header: Json, payload: Json, key: KeyObject): string {
  const input = sigInput(header, payload);
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
function hs256(header: Json, payload: Json, secret: string | Buffer): string {
  const input = sigInput(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const header = (extra: Json = {}): Json => ({ alg: 'ES256', typ: ACCESS_TOKEN_TYPE, kid: realKid, ...extra });
/** Alice's claims as auth issues them; `undefined` values drop a claim. */
function claims(extra: Json = {}): Json {
  const iat = nowSeconds();
  const base: Json = { iss: AUTH_ISSUER, aud: AUTH_AUDIENCE, sub: alice.userId, sid: alice.sessionId, jti: randomUUID(), iat, exp: iat + 300, name: alice.username };
  return JSON.parse(JSON.stringify({ ...base, ...extra })) as Json;
}
const without = (obj: Json, key: string): Json => Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));

interface AttackCase {
  name: string;
  token: () => string;
  accepted: boolean;
}

const cases: AttackCase[] = [
  { name: 'valid (real key, real session)', token: () => es256(header(), claims(), realKey), accepted: true },
  ...['none', 'None', 'NONE', 'nOnE'].map((alg) => ({
    name: `alg "${alg}", no signature`,
    token: () => `${sigInput(header({ alg }), claims())}.`,
    accepted: false,
  })),
  { name: 'alg "none" with the real signature kept', token: () => `${sigInput(header({ alg: 'none' }), claims())}.${es256(header(), claims(), realKey).split('.')[2]}`, accepted: false },
  { name: 'HS256 keyed with our public JWK (JSON)', token: () => hs256(header({ alg: 'HS256' }), claims(), JSON.stringify(realPublicJwk)), accepted: false },
  {
    name: 'HS256 keyed with our public key as PEM (SPKI)',
    token: () => hs256(header({ alg: 'HS256' }), claims(), createPublicKey({ key: realPublicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' })),
    accepted: false,
  },
  {
    name: 'HS256 keyed with our public key as DER (SPKI)',
    token: () => hs256(header({ alg: 'HS256' }), claims(), createPublicKey({ key: realPublicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'der' })),
    accepted: false,
  },
  { name: 'signed by another P-256 key, with our kid', token: () => es256(header(), claims(), attacker.privateKey), accepted: false },
  { name: 'another key embedded in the header (jwk), no kid', token: () => es256(without(header({ jwk: attackerJwk }), 'kid'), claims(), attacker.privateKey), accepted: false },
  { name: 'another key embedded in the header (jwk), with our kid', token: () => es256(header({ jwk: attackerJwk }), claims(), attacker.privateKey), accepted: false },
  { name: 'jku pointing elsewhere, attacker kid', token: () => es256(header({ jku: 'http://127.0.0.1:9/jwks.json', kid: 'attacker' }), claims(), attacker.privateKey), accepted: false },
  { name: 'jku pointing elsewhere, our kid', token: () => es256(header({ jku: 'http://127.0.0.1:9/jwks.json' }), claims(), attacker.privateKey), accepted: false },
  { name: 'x5u pointing elsewhere', token: () => es256(header({ x5u: 'http://127.0.0.1:9/cert.pem' }), claims(), attacker.privateKey), accepted: false },
  { name: 'kid of an unknown key (signed with the real key)', token: () => es256(header({ kid: 'no-such-key' }), claims(), realKey), accepted: false },
  { name: 'kid as a path (signed by another key)', token: () => es256(header({ kid: '../../../../../dev/null' }), claims(), attacker.privateKey), accepted: false },
  { name: 'zeroed signature', token: () => `${sigInput(header(), claims())}.${Buffer.alloc(64).toString('base64url')}`, accepted: false },
  { name: 'stripped signature (trailing dot)', token: () => `${sigInput(header(), claims())}.`, accepted: false },
  { name: 'stripped signature (two parts)', token: () => sigInput(header(), claims()), accepted: false },
  {
    name: "edited payload (sub changed to bob's) with the original signature",
    token: () => {
      const [h, , s] = es256(header(), claims(), realKey).split('.');
      return `${h}.${b64(claims({ sub: bob.userId, name: bob.username }))}.${s}`;
    },
    accepted: false,
  },
  { name: 'expired 31 s ago', token: () => es256(header(), claims({ iat: nowSeconds() - 931, exp: nowSeconds() - 31 }), realKey), accepted: false },
  { name: 'expired 10 s ago (inside the 30 s clock tolerance)', token: () => es256(header(), claims({ iat: nowSeconds() - 910, exp: nowSeconds() - 10 }), realKey), accepted: true },
  { name: 'nbf 60 s in the future', token: () => es256(header(), claims({ nbf: nowSeconds() + 60 }), realKey), accepted: false },
  { name: 'missing exp', token: () => es256(header(), claims({ exp: undefined }), realKey), accepted: false },
  { name: 'missing jti', token: () => es256(header(), claims({ jti: undefined }), realKey), accepted: false },
  { name: 'missing aud', token: () => es256(header(), claims({ aud: undefined }), realKey), accepted: false },
  { name: 'missing typ header', token: () => es256(without(header(), 'typ'), claims(), realKey), accepted: false },
  { name: 'typ "JWT" instead of at+jwt', token: () => es256(header({ typ: 'JWT' }), claims(), realKey), accepted: false },
  { name: 'wrong iss', token: () => es256(header(), claims({ iss: 'https://evil.example' }), realKey), accepted: false },
  { name: 'wrong aud', token: () => es256(header(), claims({ aud: 'someone-else' }), realKey), accepted: false },
  { name: 'the refresh token (cl_rt cookie) as the bearer', token: () => alice.http.cookie('cl_rt') ?? 'missing-cookie', accepted: false },
];

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob] = await Promise.all([newUser(stack.url), newUser(stack.url)]);
  conversationId = await openDm(alice, bob);
  expect(alice.http.cookie('cl_rt')).toBeTruthy();
  // The key that signed alice's real access token, from auth's own table (newest active key).
  realKid = (JSON.parse(Buffer.from(alice.http.accessToken!.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
  pool = createPgPool(process.env.DATABASE_URL!, { applicationName: 'attack-tokens-test' });
  const { rows } = await pool.query<{ kid: string; private_jwk: Json; public_jwk: Json }>(
    'SELECT kid, private_jwk, public_jwk FROM auth_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1',
  );
  expect(rows[0]?.kid).toBe(realKid);
  realKey = createPrivateKey({ key: rows[0]!.private_jwk as never, format: 'jwk' });
  realPublicJwk = rows[0]!.public_jwk;
});
afterAll(async () => {
  await pool?.end();
  await stack?.close();
});

/** The three HTTP verifiers: a route of each service that any signed-in user may call. */
const httpTargets = [
  { service: 'auth', path: () => '/api/auth/me' },
  { service: 'directory', path: () => '/api/directory/conversations' },
  { service: 'message-store', path: () => `/api/messages/${conversationId}` },
];

describe.each(cases)('token: $name', ({ token, accepted }) => {
  it.each(httpTargets)(`${accepted ? 'is accepted' : 'is refused with 401'} by $service`, async ({ path }) => {
    const res = await fetch(stack.url + path(), { headers: { authorization: `Bearer ${token()}` } });
    const body: unknown = await res.json();
    if (accepted) {
      expect(res.status, JSON.stringify(body)).toBe(200);
    } else {
      expect(res.status, JSON.stringify(body)).toBe(401);
      expect(ErrorBody.parse(body).error.code).toBe('unauthorized');
    }
  });

  it(`${accepted ? 'is accepted' : 'is refused with an error frame and 4001'} by the gateway`, async () => {
    const socket = await TestSocket.open(wsUrlOf(stack.url));
    socket.send({ type: 'auth', token: token(), deviceId: alice.deviceId });
    if (accepted) {
      expect(await socket.next('ready')).toMatchObject({ userId: alice.userId, deviceId: alice.deviceId });
      socket.close();
      return;
    }
    expect(await socket.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await socket.closed).code).toBe(WsCloseCode.unauthorized);
    expect(socket.frames.some((f) => f.type === 'ready')).toBe(false);
  });
});
