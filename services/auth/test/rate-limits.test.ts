import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, ORIGIN, PASSWORD, randomIp, startAuth, type AuthInstance } from './harness';
import { uniqueName, type HttpResult } from './http-client';

// Limits are counted in the machine's shared Redis: every test uses addresses and usernames of its own.
const LIMIT = 10;
const API_LIMIT = 20;
let auth: AuthInstance;

beforeAll(async () => {
  auth = await startAuth({ AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_API_PER_MINUTE: String(API_LIMIT) });
});

afterAll(async () => {
  await auth?.close();
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const loginAs = (username: string, ip: string, password = 'wrong password for this test') =>
  auth.post('/api/auth/login', { json: { username, password }, headers: from(ip) });

function expectLimited(res: HttpResult) {
  expectError(res, 429, 'rate_limited');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('auth rate limits', () => {
  it('answers the 11th login from one IP within a minute with 429 and Retry-After, never a 5xx', async () => {
    const ip = randomIp();
    const results: HttpResult[] = [];
    for (let i = 0; i < LIMIT + 2; i++) results.push(await loginAs(uniqueName(), ip));
    expect(results.slice(0, LIMIT).map((r) => r.status)).toEqual(Array(LIMIT).fill(401));
    for (const r of results.slice(LIMIT)) expectLimited(r);
    expect(results.every((r) => r.status < 500)).toBe(true);
    // The limit is per address: another one still gets an answer on the merits.
    const user = await auth.register(undefined, { headers: from(randomIp()) });
    expect((await loginAs(user.username, randomIp(), PASSWORD)).status).toBe(200);
  });

  it('limits attempts on one username across many IPs', async () => {
    const user = await auth.register(undefined, { headers: from(randomIp()) });
    for (let i = 0; i < LIMIT; i++) expectError(await loginAs(user.username, randomIp()), 401, 'unauthorized');
    // Even the right password from a fresh address waits: the username's budget is spent.
    expectLimited(await loginAs(user.username, randomIp(), PASSWORD));
    expectLimited(await loginAs(user.username.toUpperCase(), randomIp(), PASSWORD));
  });

  it('limits registration per IP and per username', async () => {
    const ip = randomIp();
    const results: HttpResult[] = [];
    for (let i = 0; i <= LIMIT; i++) results.push(await auth.post('/api/auth/register', { json: { username: uniqueName(), password: PASSWORD }, headers: from(ip) }));
    expect(results.slice(0, LIMIT).map((r) => r.status)).toEqual(Array(LIMIT).fill(201));
    expectLimited(results[LIMIT]!);

    const taken = uniqueName();
    for (let i = 0; i < LIMIT; i++) await auth.post('/api/auth/register', { json: { username: taken, password: PASSWORD }, headers: from(randomIp()) });
    expectLimited(await auth.post('/api/auth/register', { json: { username: taken, password: PASSWORD }, headers: from(randomIp()) }));
  });

  it('limits refresh and password change per IP, but never logout or logout-all', async () => {
    const ip = randomIp();
    const user = await auth.register(undefined, { headers: from(randomIp()) });
    const login = await auth.post('/api/auth/login', { json: { username: user.username, password: PASSWORD }, headers: from(randomIp()) });
    const { accessToken } = login.body as { accessToken: string };

    const refreshes: HttpResult[] = [];
    for (let i = 0; i <= LIMIT; i++) refreshes.push(await auth.post('/api/auth/refresh', { refreshToken: 'A'.repeat(43), headers: from(ip) }));
    expect(refreshes.slice(0, LIMIT).map((r) => r.status)).toEqual(Array(LIMIT).fill(401));
    expectLimited(refreshes[LIMIT]!);

    const changes: HttpResult[] = [];
    const pwIp = randomIp();
    for (let i = 0; i <= LIMIT; i++) {
      changes.push(
        await auth.post('/api/auth/password', { bearer: accessToken, json: { currentPassword: 'wrong', newPassword: 'another long passphrase' }, headers: from(pwIp) }),
      );
    }
    expect(changes.slice(0, LIMIT).map((r) => r.status)).toEqual(Array(LIMIT).fill(403));
    expectLimited(changes[LIMIT]!);

    // Signing out always works, from the same exhausted address.
    for (let i = 0; i < LIMIT + 5; i++) expect((await auth.post('/api/auth/logout', { headers: from(ip) })).status).toBe(204);
    const res = await auth.post('/api/auth/logout-all', { bearer: accessToken, headers: { ...from(ip), origin: ORIGIN } });
    expect(res.status).toBe(200);
  });

  it('spends the shared per-user API budget on authenticated reads', async () => {
    const user = await auth.register(undefined, { headers: from(randomIp()) });
    const login = await auth.post('/api/auth/login', { json: { username: user.username, password: PASSWORD }, headers: from(randomIp()) });
    const { accessToken } = login.body as { accessToken: string };
    for (let i = 0; i < API_LIMIT; i++) expect((await auth.get('/api/auth/me', { bearer: accessToken, headers: from(randomIp()) })).status).toBe(200);
    expectLimited(await auth.get('/api/auth/sessions', { bearer: accessToken, headers: from(randomIp()) }));
    expectLimited(await auth.get('/api/auth/me', { bearer: accessToken }));
  });
});
