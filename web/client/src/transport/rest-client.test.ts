import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationsResponse } from '@cipherlink/proto';
import { ApiError, InvalidResponseError } from './api-error';
import { FakeChannelHub, FakeLocks } from './fake-tabs.test-support';
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

  it('a 403 (a wrong password in the body) surfaces at once, without a refresh', async () => {
    const f = fakeFetch(() => json(403, { error: { code: 'forbidden', message: 'current password is incorrect' } }));
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn });
    rest.setSession(tokens('valid'));
    await expect(rest.request('POST', '/api/auth/password', { body: {} })).rejects.toMatchObject({
      status: 403,
      message: 'current password is incorrect',
    });
    expect(f.calls.map((c) => new URL(c.url).pathname)).toEqual(['/api/auth/password']);
    expect(rest.hasSession).toBe(true);
  });

  it('reports a failed refresh of a live session once through onSessionExpired', async () => {
    const reasons: string[] = [];
    const f = fakeFetch(() => json(401, { error: { code: 'unauthorized', message: 'revoked' } }));
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: f.fn, onSessionExpired: (r) => reasons.push(r) });
    rest.setSession(tokens('stale'));
    await expect(rest.request('GET', '/x')).rejects.toBeInstanceOf(ApiError);
    expect(reasons).toEqual(['expired']);
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

describe('RestClient token lifecycle', () => {
  const LIFETIME_S = 10;
  const lifetimeTokens = (t: string, sessionId = SESSION, user = USER) => ({ accessToken: t, expiresIn: LIFETIME_S, user, sessionId });

  /** One auth server shared by every tab: counts refreshes; `mode` scripts the refresh answer. */
  function server() {
    const state = { refreshes: 0, mode: 'ok' as 'ok' | 'network' | 'refused' | 'other-user', seen: [] as string[] };
    const fetchFn = (async (url: string, init: RequestInit) => {
      const path = new URL(url).pathname;
      if (path === '/api/auth/refresh') {
        state.refreshes++;
        if (state.mode === 'network') throw new TypeError('fetch failed');
        if (state.mode === 'refused') return json(401, { error: { code: 'unauthorized', message: 'invalid refresh token' } });
        const user = state.mode === 'other-user' ? { id: '0190a6e0-0000-4000-8000-000000000002', username: 'mallory' } : USER;
        return json(200, lifetimeTokens(`fresh${state.refreshes}`, SESSION, user));
      }
      state.seen.push(String((init.headers as Record<string, string>).authorization));
      return json(200, {});
    }) as unknown as typeof fetch;
    return { state, fetchFn };
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes proactively at 80% of the lifetime, not before, and then uses the new token', async () => {
    const s = server();
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, random: () => 0 });
    rest.setSession(lifetimeTokens('t0'));
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 800 - 1);
    expect(s.state.refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.state.refreshes).toBe(1);
    await rest.request('GET', '/api/directory/conversations');
    expect(s.state.seen).toEqual(['Bearer fresh1']);
    // And again for the new token: one refresh per lifetime, however long the tab stays open.
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 800 * 3);
    expect(s.state.refreshes).toBe(4);
  });

  it('two tabs holding one token: one refresh at expiry, both then use the new token', async () => {
    const s = server();
    const locks = new FakeLocks();
    const hub = new FakeChannelHub(5);
    const tabs = [0, 0.3].map(
      (r) => new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, locks, channel: hub.channel(), random: () => r }),
    );
    for (const t of tabs) t.setSession(lifetimeTokens('t0'));
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 1000 + 500);
    expect(s.state.refreshes).toBe(1);
    await Promise.all(tabs.map((t) => t.request('GET', '/x')));
    expect(s.state.seen).toEqual(['Bearer fresh1', 'Bearer fresh1']);
  });

  it('two tabs whose timers fire at the same instant still refresh once (Web Lock + broadcast)', async () => {
    const s = server();
    const locks = new FakeLocks();
    const hub = new FakeChannelHub(5);
    const tabs = [1, 2].map(() => new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, locks, channel: hub.channel(), random: () => 0 }));
    for (const t of tabs) t.setSession(lifetimeTokens('t0'));
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 1000 + 500);
    expect(s.state.refreshes).toBe(1);
    expect(await Promise.all(tabs.map((t) => t.accessToken()))).toEqual(['fresh1', 'fresh1']);
  });

  it('without the cross-tab objects each tab refreshes on its own (the fallback), once per tab', async () => {
    const s = server();
    const tabs = [1, 2].map(() => new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, random: () => 0 }));
    for (const t of tabs) t.setSession(lifetimeTokens('t0'));
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 1000);
    expect(s.state.refreshes).toBe(2);
  });

  it("a sign-out announced by one tab signs out that session's other tabs only", async () => {
    const s = server();
    const hub = new FakeChannelHub();
    const told: string[] = [];
    const mk = () => new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, channel: hub.channel(), onSignedOutElsewhere: (r) => told.push(r) });
    const [a, b, c] = [mk(), mk(), mk()];
    a.setSession(lifetimeTokens('t0'));
    b.setSession(lifetimeTokens('t0'));
    c.setSession(lifetimeTokens('other', '0190a6e0-0000-4000-8000-0000000000ee'));
    a.announceSigningOut('logout-everywhere');
    await vi.advanceTimersByTimeAsync(10);
    // Announced first, so a 4003 closing b's socket meanwhile is known to be a's doing.
    expect([a.signOutInProgressElsewhere, b.signOutInProgressElsewhere, c.signOutInProgressElsewhere]).toEqual([undefined, 'logout-everywhere', undefined]);
    a.announceSignedOut('logout-everywhere');
    await vi.advanceTimersByTimeAsync(10);
    expect(told).toEqual(['logout-everywhere']);
    expect([a.hasSession, b.hasSession, c.hasSession]).toEqual([true, false, true]);
  });

  it('accessToken(refused) returns the replacement when the refused token is no longer ours, without a refresh', async () => {
    const s = server();
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, random: () => 0 });
    rest.setSession(lifetimeTokens('t0'));
    expect(await rest.accessToken('t0')).toBe('fresh1');
    expect(await rest.accessToken('t0')).toBe('fresh1');
    expect(s.state.refreshes).toBe(1);
  });

  it('a proactive refresh that fails on the network is retried while the token lives; a refused one ends the session', async () => {
    const s = server();
    const reasons: string[] = [];
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, random: () => 0, onSessionExpired: (r) => reasons.push(r) });
    rest.setSession(lifetimeTokens('t0'));
    s.state.mode = 'network';
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 800);
    expect(s.state.refreshes).toBe(1);
    // Due, the refresh failed for a passing reason: the still-valid token keeps working meanwhile.
    expect(await rest.accessToken()).toBe('t0');
    s.state.mode = 'refused';
    await vi.advanceTimersByTimeAsync(LIFETIME_S * 200);
    expect(reasons).toEqual(['expired']);
    expect(rest.hasSession).toBe(false);
  });

  it('ends the session as "replaced" when the shared cookie now signs in another account', async () => {
    const s = server();
    const reasons: string[] = [];
    const rest = new RestClient({ baseUrl: 'http://api.test', fetch: s.fetchFn, onSessionExpired: (r) => reasons.push(r) });
    rest.setSession(lifetimeTokens('t0'));
    s.state.mode = 'other-user';
    await expect(rest.accessToken('t0')).rejects.toMatchObject({ status: 401 });
    expect(reasons).toEqual(['replaced']);
    expect(rest.hasSession).toBe(false);
  });
});
