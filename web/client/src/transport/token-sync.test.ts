import { describe, expect, it } from 'vitest';
import type { TokenResponse } from '@cipherlink/proto';
import { FakeChannelHub, FakeLocks } from './fake-tabs.test-support';
import { AUTH_CHANNEL_NAME, REFRESH_LOCK_NAME, TokenSync, type HeldToken, type TabSignOutReason } from './token-sync';

const USER = { id: '0190a6e0-0000-4000-8000-000000000001', username: 'alice' };
const SESSION = '0190a6e0-0000-4000-8000-0000000000ff';
const OTHER_SESSION = '0190a6e0-0000-4000-8000-0000000000ee';
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const tokens = (accessToken: string, sessionId = SESSION): TokenResponse => ({ accessToken, expiresIn: 60, user: USER, sessionId });
const held = (accessToken: string, expiresAt: number, sessionId = SESSION): HeldToken => ({ tokens: tokens(accessToken, sessionId), expiresAt });

/** The auth server's refresh endpoint as the tabs of one browser see it: one shared counter. */
function fakeServer(delayMs = 5) {
  const server = { refreshes: 0, fail: undefined as Error | undefined };
  const refresh = async () => {
    server.refreshes++;
    await tick(delayMs);
    if (server.fail) throw server.fail;
    return tokens(`t${server.refreshes}`);
  };
  return { server, refresh };
}

/** A tab: its TokenSync plus what it was told by the other tabs. */
function tab(opts: { refresh: () => Promise<TokenResponse>; locks?: FakeLocks; hub?: FakeChannelHub; lingerMs?: number }) {
  const adopted: HeldToken[] = [];
  const signedOut: [string, TabSignOutReason][] = [];
  const signingOut: [string, TabSignOutReason][] = [];
  const channel = opts.hub?.channel();
  const sync = new TokenSync({
    refresh: opts.refresh,
    locks: opts.locks,
    channel,
    onToken: (t) => adopted.push(t),
    onSignedOut: (sid, reason) => signedOut.push([sid, reason]),
    onSigningOut: (sid, reason) => signingOut.push([sid, reason]),
    ...(opts.lingerMs === undefined ? {} : { lingerMs: opts.lingerMs }),
  });
  return { sync, adopted, signedOut, signingOut, channel };
}

describe('TokenSync', () => {
  it('uses the names the browser tabs agree on', () => {
    expect(REFRESH_LOCK_NAME).toBe('cipherlink-refresh');
    expect(AUTH_CHANNEL_NAME).toBe('cipherlink-auth');
  });

  it('without Web Locks or BroadcastChannel, is a single flight within the tab', async () => {
    const { server, refresh } = fakeServer();
    const a = tab({ refresh });
    const stale = held('t0', Date.now() + 1000);
    const results = await Promise.all([a.sync.refresh(stale), a.sync.refresh(stale), a.sync.refresh(undefined)]);
    expect(server.refreshes).toBe(1);
    expect(results.map((r) => r.tokens.accessToken)).toEqual(['t1', 't1', 't1']);
    // Once settled, the next call refreshes again (the flight is over).
    await a.sync.refresh(results[0]);
    expect(server.refreshes).toBe(2);
  });

  it('two tabs refreshing the same token at once: one refresh, the other tab adopts its broadcast token', async () => {
    const { server, refresh } = fakeServer();
    const locks = new FakeLocks();
    // The broadcast takes longer to arrive than the lock takes to change hands: the linger covers the gap.
    const hub = new FakeChannelHub(20);
    const a = tab({ refresh, locks, hub });
    const b = tab({ refresh, locks, hub });
    const stale = held('t0', Date.now() + 10_000);
    const [ra, rb] = await Promise.all([a.sync.refresh(stale), b.sync.refresh(stale)]);
    expect(server.refreshes).toBe(1);
    expect(ra.tokens.accessToken).toBe('t1');
    expect(rb).toEqual(ra);
    expect(b.adopted.map((t) => t.tokens.accessToken)).toEqual(['t1']);
    expect(a.adopted).toEqual([]);
    await tick(150);
    expect(locks.held.size).toBe(0);
  });

  it('refreshes anyway when the broadcast token is not newer than the one the tab wants to replace', async () => {
    const { server, refresh } = fakeServer();
    const locks = new FakeLocks();
    const hub = new FakeChannelHub();
    const a = tab({ refresh, locks, hub });
    const b = tab({ refresh, locks, hub });
    const first = await a.sync.refresh(held('t0', Date.now() + 10_000));
    await tick(5);
    expect(b.adopted).toHaveLength(1);
    // b already holds that token (or a later one) and the server refused it: it needs a genuinely new one.
    const fromB = await b.sync.refresh(first);
    expect(server.refreshes).toBe(2);
    expect(fromB.tokens.accessToken).toBe('t2');
    // a sees b's token; a later refresh from a's old token adopts it instead of refreshing.
    await tick(5);
    const again = await a.sync.refresh(first);
    expect(again.tokens.accessToken).toBe('t2');
    expect(server.refreshes).toBe(2);
  });

  it("never adopts another session's token", async () => {
    const { server, refresh } = fakeServer();
    const locks = new FakeLocks();
    const hub = new FakeChannelHub();
    const b = tab({ refresh, locks, hub });
    b.channel!.receive({ v: 1, type: 'token', tokens: tokens('foreign', OTHER_SESSION), expiresAt: Date.now() + 60_000 });
    const mine = await b.sync.refresh(held('t0', Date.now() + 1_000));
    expect(mine.tokens.accessToken).toBe('t1');
    expect(server.refreshes).toBe(1);
  });

  it('passes sign-outs to the other tabs and ignores malformed or foreign messages', async () => {
    const { refresh } = fakeServer();
    const hub = new FakeChannelHub();
    const a = tab({ refresh, hub });
    const b = tab({ refresh, hub });
    a.sync.announceSigningOut(SESSION, 'logout-everywhere');
    a.sync.announceSignedOut(SESSION, 'logout-everywhere');
    b.channel!.receive({ v: 2, type: 'signed-out', sessionId: SESSION, reason: 'logout' });
    b.channel!.receive({ v: 1, type: 'signed-out', sessionId: SESSION, reason: 'because' });
    b.channel!.receive({ v: 1, type: 'token', tokens: { accessToken: 'x' }, expiresAt: 1 });
    b.channel!.receive('hello');
    b.channel!.receive(null);
    await tick(5);
    expect(b.signingOut).toEqual([[SESSION, 'logout-everywhere']]);
    expect(b.signedOut).toEqual([[SESSION, 'logout-everywhere']]);
    expect(b.adopted).toEqual([]);
    expect(a.signedOut).toEqual([]);
  });

  it('a failed refresh rejects every waiting caller and releases the lock; the next call tries again', async () => {
    const { server, refresh } = fakeServer();
    const locks = new FakeLocks();
    const hub = new FakeChannelHub();
    const a = tab({ refresh, locks, hub });
    server.fail = Object.assign(new Error('refused'), { status: 401 });
    const stale = held('t0', Date.now() + 1_000);
    const results = await Promise.allSettled([a.sync.refresh(stale), a.sync.refresh(stale)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(server.refreshes).toBe(1);
    expect(locks.held.size).toBe(0);
    server.fail = undefined;
    await expect(a.sync.refresh(stale)).resolves.toMatchObject({ tokens: { accessToken: 't2' } });
  });

  it("the refreshing tab's caller does not wait for the linger", async () => {
    const { refresh } = fakeServer(0);
    const locks = new FakeLocks();
    const hub = new FakeChannelHub();
    const a = tab({ refresh, locks, hub, lingerMs: 1_000 });
    const started = Date.now();
    await a.sync.refresh(undefined);
    expect(Date.now() - started).toBeLessThan(500);
    expect(locks.held.has(REFRESH_LOCK_NAME)).toBe(true);
    a.sync.close();
  });
});
