import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { callRpc, createAccessTokenVerifier } from '@cipherlink/kit';
import { Jwks, rpc } from '@cipherlink/proto';
import { rotateSigningKey } from '../src/signing-key-rotation';
import { createSigningKeyStore } from '../src/store/signing-key-store';
import { sleep, startAuth, type AuthInstance } from './harness';

// Rotation changes the key set of the whole database: this file uses a database of its own, so auth instances of
// other test runs on the shared test database never see a key change they did not ask for.
const root = fileURLToPath(new URL('../../..', import.meta.url));
let auth: AuthInstance;
let databaseUrl: string;

beforeAll(async () => {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cipherlink_test');
  url.pathname = `${url.pathname}_auth_keys`;
  databaseUrl = url.toString();
  auth = await startAuth({ DATABASE_URL: databaseUrl, ACCESS_TOKEN_TTL_SECONDS: '5' });
});

afterAll(async () => {
  await auth?.close();
});

const kidOf = (token: string) => decodeProtectedHeader(token).kid!;
const publishedKids = async () => Jwks.parse((await auth.get('/api/auth/jwks')).body).keys.map((k) => k.kid);

async function loginKid(username: string): Promise<{ kid: string; accessToken: string }> {
  const { tokens } = await auth.login(username);
  return { kid: kidOf(tokens.accessToken), accessToken: tokens.accessToken };
}

/** Run the documented command; resolves to its exit code. */
function runRotateCommand(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${root}node_modules/.bin/tsx`, ['services/auth/src/rotate-signing-key.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, NATS_URL: auth.config.NATS_URL, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

describe('signing-key rotation', () => {
  it('publishes the new key at once, signs with it from not_before on, and keeps verifying the old key meanwhile', async () => {
    const user = await auth.register();
    const before = await loginKid(user.username);
    const pool = auth.db;
    const keys = createSigningKeyStore(pool);

    const { kid: newKid, notBefore } = await rotateSigningKey({ keys, nats: auth.nats, publishSeconds: 3 });
    expect(newKid).not.toBe(before.kid);
    // Published before it signs anything, over HTTP and NATS.
    expect(await publishedKids()).toEqual(expect.arrayContaining([before.kid, newKid]));
    expect(Jwks.parse(await callRpc(auth.nats, rpc.authJwks, {})).keys.map((k) => k.kid)).toContain(newKid);
    if (Date.now() < notBefore.getTime() - 500) expect((await loginKid(user.username)).kid).toBe(before.kid);

    await sleep(Math.max(0, notBefore.getTime() - Date.now()) + 100);
    const after = await loginKid(user.username);
    expect(after.kid).toBe(newKid);

    // Tokens of the old key still verify during the overlap: here, and in another service fed over NATS.
    expect((await auth.get('/api/auth/me', { bearer: before.accessToken })).status).toBe(200);
    const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(auth.nats, rpc.authJwks, {}) });
    expect((await verifier.verify(before.accessToken)).sub).toBe(user.id);
    expect((await verifier.verify(after.accessToken)).sub).toBe(user.id);
    // The retired key is published for the access-token lifetime plus skew after its retirement, not for ever.
    expect((await keys.publicKeys(60_000)).keys.map((k) => k.kid)).toContain(before.kid);
    expect((await keys.publicKeys(0)).keys.map((k) => k.kid)).not.toContain(before.kid);
  });

  it('rotates with the command; --now signs with the new key at once and running instances follow the event', async () => {
    const user = await auth.register();
    const before = await loginKid(user.username);
    expect(await runRotateCommand(['--bogus'])).toBe(2);
    expect(await runRotateCommand(['--now'])).toBe(0);

    let after = await loginKid(user.username);
    for (let i = 0; i < 20 && after.kid === before.kid; i++) {
      await sleep(100);
      after = await loginKid(user.username);
    }
    expect(after.kid).not.toBe(before.kid);
    expect(await publishedKids()).toEqual(expect.arrayContaining([before.kid, after.kid]));
    expect((await auth.get('/api/auth/me', { bearer: before.accessToken })).status).toBe(200);
    expect((await auth.get('/api/auth/me', { bearer: after.accessToken })).status).toBe(200);
  });
});
