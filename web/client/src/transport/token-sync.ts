import { TokenResponse } from '@cipherlink/proto';

/** Name of the Web Lock a tab holds while it spends the (shared) refresh cookie. */
export const REFRESH_LOCK_NAME = 'cipherlink-refresh';
/** Name of the BroadcastChannel the tabs of one origin use to share access tokens and sign-outs. */
export const AUTH_CHANNEL_NAME = 'cipherlink-auth';

/** The part of the Web Locks API (`navigator.locks`) we use: an exclusive lock held while `callback` runs. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The part of BroadcastChannel we use. Messages reach every other channel of the same name, never the sender. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** An access token with the absolute time it expires (epoch ms, this machine's clock, shared by its tabs). */
export interface HeldToken {
  tokens: TokenResponse;
  expiresAt: number;
}

/** Why another tab ended the shared session; the receiving tab ends it too. */
export type TabSignOutReason = 'logout' | 'logout-everywhere' | 'account-deleted' | 'session-ended';

/**
 * What the tabs say to each other. Versioned: after a deploy, an old and a new tab may share the channel, and a
 * message neither understands is ignored. Only ever same-origin (BroadcastChannel), never sent to a server.
 */
type TabMessage =
  | { v: 1; type: 'token'; tokens: TokenResponse; expiresAt: number }
  /** About to end the session (the server will close every tab's socket with 4003 before it answers). */
  | { v: 1; type: 'signing-out'; sessionId: string; reason: TabSignOutReason }
  | { v: 1; type: 'signed-out'; sessionId: string; reason: TabSignOutReason };

const SIGN_OUT_REASONS: readonly string[] = ['logout', 'logout-everywhere', 'account-deleted', 'session-ended'];

export interface TokenSyncOptions {
  /** POST /api/auth/refresh with the (shared) cookie; the answer's token is the new one. */
  refresh: () => Promise<TokenResponse>;
  /** Cross-tab lock (`navigator.locks`); without it refreshes are single-flight within this tab only. */
  locks?: LockManagerLike | undefined;
  /** Cross-tab channel (`new BroadcastChannel(AUTH_CHANNEL_NAME)`); without it nothing is shared. */
  channel?: BroadcastChannelLike | undefined;
  /** Another tab obtained this token (for some session: the receiver checks it is its own). */
  onToken?: (token: HeldToken) => void;
  /** Another tab signed this session out. */
  onSignedOut?: (sessionId: string, reason: TabSignOutReason) => void;
  /** Another tab is about to end this session (it may fail: then no `onSignedOut` follows). */
  onSigningOut?: (sessionId: string, reason: TabSignOutReason) => void;
  now?: () => number;
  /**
   * How long the refreshing tab keeps the lock after broadcasting its token, so that a tab queued on the lock
   * receives the broadcast before it enters (the lock grant and the channel message travel separately).
   */
  lingerMs?: number;
}

/**
 * Refresh tokens rotate, and every tab of an origin shares the one refresh cookie: two tabs refreshing at once
 * would spend it twice. TokenSync makes a refresh (1) single-flight within the tab, (2) exclusive across tabs
 * under the Web Lock `cipherlink-refresh`, and (3) shared: the tab that refreshed broadcasts the new access
 * token on `cipherlink-auth`, and a tab that enters the lock after another one refreshed adopts that token
 * (when it is newer than the one it wanted to replace) instead of refreshing again.
 *
 * Without Web Locks or BroadcastChannel (Node, old browsers) it degrades to the in-tab single flight.
 */
export class TokenSync {
  private inFlight: Promise<HeldToken> | undefined;
  /** The newest token this tab has seen, its own or another tab's. */
  private latest: HeldToken | undefined;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: TokenSyncOptions) {
    this.now = opts.now ?? Date.now;
    opts.channel?.addEventListener('message', (event) => this.onMessage(event.data));
  }

  /**
   * A token newer than `stale` (the one the caller holds; undefined when it holds none, e.g. on page load):
   * another tab's when one was broadcast meanwhile, otherwise a fresh one from the server. Concurrent calls in
   * this tab share one attempt.
   */
  refresh(stale: HeldToken | undefined): Promise<HeldToken> {
    this.inFlight ??= this.lockedRefresh(stale).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Tell the other tabs that this session is over (they share its cookie, so they are signed out too). */
  announceSignedOut(sessionId: string, reason: TabSignOutReason): void {
    this.post({ v: 1, type: 'signed-out', sessionId, reason });
  }

  /** Tell the other tabs this tab is about to end the session, so they know why their socket is closed. */
  announceSigningOut(sessionId: string, reason: TabSignOutReason): void {
    this.post({ v: 1, type: 'signing-out', sessionId, reason });
  }

  close(): void {
    this.closed = true;
    this.opts.channel?.close();
  }

  private lockedRefresh(stale: HeldToken | undefined): Promise<HeldToken> {
    const { locks } = this.opts;
    if (!locks) return this.refreshAndShare();
    return new Promise<HeldToken>((resolve, reject) => {
      locks
        .request(REFRESH_LOCK_NAME, async () => {
          const adopted = this.newerThan(stale);
          if (adopted) return resolve(adopted);
          let token: HeldToken;
          try {
            token = await this.refreshAndShare();
          } catch (err) {
            return reject(err);
          }
          // Our caller goes on at once; the lock stays held a moment so queued tabs see the broadcast first.
          resolve(token);
          const linger = this.opts.lingerMs ?? 100;
          if (linger > 0 && this.opts.channel) await new Promise((r) => setTimeout(r, linger));
        })
        .catch(reject);
    });
  }

  private async refreshAndShare(): Promise<HeldToken> {
    const tokens = await this.opts.refresh();
    const token: HeldToken = { tokens, expiresAt: this.now() + tokens.expiresIn * 1000 };
    this.remember(token);
    this.post({ v: 1, type: 'token', tokens: token.tokens, expiresAt: token.expiresAt });
    return token;
  }

  /** The latest known token when it belongs to the same session as `stale` and outlives it. */
  private newerThan(stale: HeldToken | undefined): HeldToken | undefined {
    const latest = this.latest;
    if (!latest || !stale) return undefined;
    if (latest.tokens.sessionId !== stale.tokens.sessionId) return undefined;
    if (latest.tokens.accessToken === stale.tokens.accessToken || latest.expiresAt <= stale.expiresAt) return undefined;
    if (latest.expiresAt <= this.now()) return undefined;
    return latest;
  }

  private remember(token: HeldToken): void {
    if (!this.latest || token.expiresAt >= this.latest.expiresAt || token.tokens.sessionId !== this.latest.tokens.sessionId) {
      this.latest = token;
    }
  }

  private onMessage(data: unknown): void {
    if (this.closed) return;
    const msg = parseTabMessage(data);
    if (!msg) return;
    if (msg.type === 'token') {
      const token: HeldToken = { tokens: msg.tokens, expiresAt: msg.expiresAt };
      this.remember(token);
      this.opts.onToken?.(token);
    } else if (msg.type === 'signing-out') {
      this.opts.onSigningOut?.(msg.sessionId, msg.reason);
    } else {
      if (this.latest?.tokens.sessionId === msg.sessionId) this.latest = undefined;
      this.opts.onSignedOut?.(msg.sessionId, msg.reason);
    }
  }

  private post(msg: TabMessage): void {
    if (this.closed) return;
    try {
      this.opts.channel?.postMessage(msg);
    } catch {
      // A closed or broken channel only costs the other tabs a refresh of their own.
    }
  }
}

/** Accept only well-formed messages of our version; anything else on the channel is ignored. */
function parseTabMessage(data: unknown): TabMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as Record<string, unknown>;
  if (m.v !== 1) return undefined;
  if (m.type === 'token') {
    const tokens = TokenResponse.safeParse(m.tokens);
    if (!tokens.success || typeof m.expiresAt !== 'number' || !Number.isFinite(m.expiresAt)) return undefined;
    return { v: 1, type: 'token', tokens: tokens.data, expiresAt: m.expiresAt };
  }
  if (
    (m.type === 'signed-out' || m.type === 'signing-out') &&
    typeof m.sessionId === 'string' &&
    typeof m.reason === 'string' &&
    SIGN_OUT_REASONS.includes(m.reason)
  ) {
    return { v: 1, type: m.type, sessionId: m.sessionId, reason: m.reason as TabSignOutReason };
  }
  return undefined;
}

/**
 * The browser's Web Locks and a BroadcastChannel on `cipherlink-auth`, whichever exist here. In Node neither is
 * used by default (each Node client has a cookie jar of its own, so there is nothing to share).
 */
export function browserTabSync(): { locks?: LockManagerLike; channel?: BroadcastChannelLike } {
  const g = globalThis as {
    navigator?: { locks?: { request(name: string, cb: () => Promise<unknown>): Promise<unknown> } };
    BroadcastChannel?: new (name: string) => BroadcastChannelLike & { unref?: () => void };
  };
  const out: { locks?: LockManagerLike; channel?: BroadcastChannelLike } = {};
  const locks = g.navigator?.locks;
  if (locks && typeof locks.request === 'function') {
    out.locks = { request: <T>(name: string, cb: () => Promise<T>) => locks.request(name, () => cb()) as Promise<T> };
  }
  if (typeof g.BroadcastChannel === 'function') {
    const channel = new g.BroadcastChannel(AUTH_CHANNEL_NAME);
    channel.unref?.();
    out.channel = channel;
  }
  return out;
}
