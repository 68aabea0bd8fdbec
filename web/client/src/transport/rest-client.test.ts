import { describe, expect, it } from 'vitest';
import { ConversationsResponse } from '@cipherlink/proto';
import { ApiError, InvalidResponseError } from './api-error';
import { RestClient } from './rest-client';

const USER = { id: '0190a6e0-0000-4000-8000-000000000001', username: 'alice' };
const SESSION = '0190a6e0-0000-4000-8000-0000000000ff';
const tokens = (t: string) => ({ accessToken: t, expiresIn: 900, user: USER, sessionId: SESSION });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A scripted fetch that records every request. */
function fakeFetch(handler: (url: string, init: RequestInit, n: number) => Response | Promise<Response>) {
  const calls: { url: string; method: string; headers: Record<string, string> }[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', headers: init.headers as Record<string, string> });
    return handler(url, init, calls.length);
  }) as unknown as typeof fetch;
  return { fn, calls };
}

describe('RestClient', () => {
  it('on 401 refreshes once via the cookie, then retries with the new token', async () => {
    const f = fakeFetch((url, init) => {
      if (url.endsWith('/api/auth/refresh')) return json(200, tokens('fresh'), { 'set-cookie': 'cl_rt=r2; Path=/api/auth; HttpOnly' });
      const auth = (init.headers as Record<string, string>).authorization;
      return auth === 'Bearer fresh' ? json(200, { conversations: [] }) : json(401, { error: { code: 'unauthorized', message: 'expired' } });
    });
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn, cookieJar: true });
    rest.setSession(tokens('stale'));
    await expect(rest.request('GET', '/api/directory/conversations', { schema: ConversationsResponse })).resolves.toEqual({ conversations: [] });
    expect(f.calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual([
      'GET /api/directory/conversations',
      'POST /api/auth/refresh',
      'GET /api/directory/conversations',
    ]);
    expect(f.calls[2]!.headers.authorization).toBe('Bearer fresh');
  });

  it('does not loop: a second 401 after the refresh surfaces as ApiError', async () => {
    const f = fakeFetch((url) =>
      url.endsWith('/refresh') ? json(200, tokens('fresh')) : json(401, { error: { code: 'unauthorized', message: 'nope' } }),
    );
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn });
    rest.setSession(tokens('stale'));
    const err = await rest.request('GET', '/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized', message: 'nope' });
    expect(f.calls).toHaveLength(3);
  });

  it('shares one refresh between concurrent callers (refresh tokens rotate)', async () => {
    let refreshes = 0;
    const f = fakeFetch(async (url) => {
      if (url.endsWith('/refresh')) {
        refreshes++;
        await new Promise((r) => setTimeout(r, 10));
        return json(200, tokens('fresh'));
      }
      return json(200, {});
    });
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn });
    await Promise.all([rest.accessToken(), rest.accessToken(), rest.request('GET', '/a'), rest.request('GET', '/b')]);
    expect(refreshes).toBe(1);
  });

  it('refreshes once when two requests get 401, even when the second 401 arrives after the first refresh', async () => {
    let refreshes = 0;
    let releaseSlow!: () => void;
    const slowGate = new Promise<void>((r) => (releaseSlow = r));
    const f = fakeFetch(async (url, init) => {
      if (url.endsWith('/refresh')) {
        refreshes++;
        return json(200, tokens(`fresh${refreshes}`));
      }
      const auth = (init.headers as Record<string, string>).authorization;
      if (auth === 'Bearer stale') {
        // The slow request's 401 comes back only after the fast one has refreshed and retried.
        if (url.endsWith('/slow')) await slowGate;
        return json(401, { error: { code: 'unauthorized', message: 'expired' } });
      }
      return json(200, {});
    });
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn });
    rest.setSession(tokens('stale'));
    const slow = rest.request('GET', '/slow');
    await rest.request('GET', '/fast');
    releaseSlow();
    await slow;
    expect(refreshes).toBe(1);
    expect(f.calls.filter((c) => c.url.endsWith('/slow')).map((c) => c.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh1']);
  });

  it('reports a failed refresh of a live session once through onSessionExpired', async () => {
    const reasons: string[] = [];
    const f = fakeFetch(() => json(401, { error: { code: 'unauthorized', message: 'revoked' } }));
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn, onSessionExpired: (r) => reasons.push(r) });
    rest.setSession(tokens('stale'));
    await expect(rest.request('GET', '/x')).rejects.toBeInstanceOf(ApiError);
    expect(reasons).toEqual(['session expired']);
    expect(rest.hasSession).toBe(false);
  });

  it('parses the error body, details included, and falls back for foreign bodies', async () => {
    const f = fakeFetch((_u, _i, n) =>
      n === 1
        ? json(400, { error: { code: 'bad_request', message: 'bad username', details: [{ path: 'username' }] } })
        : new Response('<html>bad gateway</html>', { status: 502 }),
    );
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn });
    await expect(rest.request('POST', '/api/auth/register', { auth: false, body: {} })).rejects.toMatchObject({
      status: 400,
      code: 'bad_request',
      message: 'bad username',
      details: [{ path: 'username' }],
    });
    await expect(rest.request('GET', '/x', { auth: false })).rejects.toMatchObject({ status: 502, code: 'unavailable' });
  });

  it('rejects a 2xx body that does not match its proto schema', async () => {
    const f = fakeFetch(() => json(200, { conversations: [{ id: 'not-a-uuid' }] }));
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn });
    await expect(rest.request('GET', '/c', { auth: false, schema: ConversationsResponse })).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('turns a network failure into ApiError status 0 / unavailable', async () => {
    const rest = new RestClient({
      baseUrl: 'http://api.test',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    await expect(rest.request('GET', '/x', { auth: false })).rejects.toMatchObject({ status: 0, code: 'unavailable' });
  });

  it('with the cookie jar, sends the refresh cookie only to its path and adds credentials: include', async () => {
    const seen: { path: string; cookie: string | undefined; credentials: RequestCredentials | undefined }[] = [];
    const fetchFn = (async (url: string, init: RequestInit) => {
      const path = new URL(url).pathname;
      seen.push({ path, cookie: (init.headers as Record<string, string>).cookie, credentials: init.credentials });
      if (path === '/api/auth/login') return json(200, tokens('t1'), { 'set-cookie': 'cl_rt=abc; Path=/api/auth; HttpOnly; SameSite=Strict' });
      return json(200, tokens('t2'));
    }) as unknown as typeof fetch;
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: fetchFn, cookieJar: true });
    await rest.request('POST', '/api/auth/login', { auth: false, body: {} });
    await rest.request('GET', '/api/directory/conversations', { auth: false });
    await rest.refresh();
    expect(seen.map((s) => [s.path, s.cookie])).toEqual([
      ['/api/auth/login', undefined],
      ['/api/directory/conversations', undefined],
      ['/api/auth/refresh', 'cl_rt=abc'],
    ]);
    expect(seen.every((s) => s.credentials === 'include')).toBe(true);
  });
});
