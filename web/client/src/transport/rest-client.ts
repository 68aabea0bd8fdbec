import { TokenResponse } from '@cipherlink/proto';
import { ApiError, InvalidResponseError } from './api-error';
import { CookieJar } from './cookie-jar';
import { paths } from './paths';
import { TokenSync, type BroadcastChannelLike, type HeldToken, type LockManagerLike, type TabSignOutReason } from './token-sync';

/** Any zod schema (structural, so the SDK does not depend on zod's types directly). */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

/** Why the session could not be kept: the server refused the refresh, or the cookie now signs in someone else. */
export type SessionLossReason = 'expired' | 'replaced';

export interface RestClientOptions {
  /** Origin (and optional path prefix) of the API, e.g. `https://chat.example.com`; '' for same origin. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Node only: keep cookies (the refresh token) in memory, since Node's fetch has no cookie store. */
  cookieJar?: boolean;
  /** Called once when the session can no longer be refreshed. */
  onSessionExpired?: (reason: SessionLossReason) => void;
  /** Browser: the Web Lock manager that makes a refresh exclusive across the tabs of the origin. */
  locks?: LockManagerLike | undefined;
  /** Browser: the channel the tabs share tokens and sign-outs on. */
  channel?: BroadcastChannelLike | undefined;
  /** Another tab ended this session (logout, logout everywhere, account deleted, session ended). */
  onSignedOutElsewhere?: (reason: TabSignOutReason) => void;
  /** Refresh proactively once this fraction of a token's lifetime has passed. Default 0.8. */
  refreshAtFraction?: number;
  /** Random source for the jitter that spreads the proactive refreshes of several tabs. */
  random?: () => number;
}

export interface RequestOptions<T> {
  body?: unknown;
  query?: Record<string, string | number>;
  /** Schema of a 2xx body; omit for responses without one (204). */
  schema?: Schema<T>;
  /** Send the access token and refresh once on 401. Default true. */
  auth?: boolean;
}

/** Part of a token's lifetime by which proactive refreshes are spread (tabs holding the same token). */
const REFRESH_JITTER_FRACTION = 0.1;
/** After a failed proactive refresh (network, 5xx, 429), try again this soon while the token still lives. */
const PROACTIVE_RETRY_MS = 5_000;
/** How long another tab's "about to sign out" explains a session end here (its server call takes this at most). */
const SIGNING_OUT_WINDOW_MS = 15_000;

/**
 * JSON over fetch. The access token lives only in this object's memory; the refresh token only in the httpOnly
 * cookie (the browser's, or the in-memory jar in Node). The token is refreshed proactively at 80% of its
 * lifetime, and reactively once on a 401. Refreshes go through TokenSync: one at a time in this tab and across
 * the tabs of the origin, because refresh tokens rotate and a second use would be treated as reuse.
 */
export class RestClient {
  private readonly fetchFn: typeof fetch;
  private readonly jar: CookieJar | undefined;
  private readonly sync: TokenSync;
  private token: HeldToken | undefined;
  /** Bumped by every sign-in and sign-out, so a refresh that was in flight across one never applies. */
  private generation = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Another tab announced it is ending this session, and until when that explains a session end here. */
  private signingOutElsewhere: { reason: TabSignOutReason; until: number } | undefined;

  constructor(private readonly opts: RestClientOptions) {
    // Browsers require fetch to be called on the global object.
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.jar = opts.cookieJar ? new CookieJar() : undefined;
    this.sync = new TokenSync({
      refresh: () => this.request('POST', paths.refresh, { schema: TokenResponse, auth: false }),
      locks: opts.locks,
      channel: opts.channel,
      onToken: (token) => this.adopt(token),
      onSignedOut: (sessionId, reason) => {
        if (this.token?.tokens.sessionId !== sessionId) return;
        this.clearSession();
        opts.onSignedOutElsewhere?.(reason);
      },
      onSigningOut: (sessionId, reason) => {
        if (this.token?.tokens.sessionId === sessionId) this.signingOutElsewhere = { reason, until: Date.now() + SIGNING_OUT_WINDOW_MS };
      },
    });
  }

  /** Remember the access token of a login answer (a new session). */
  setSession(tokens: TokenResponse): void {
    this.generation++;
    this.setToken({ tokens, expiresAt: Date.now() + tokens.expiresIn * 1000 });
  }

  /** Forget the access token and, in Node, the cookies. */
  clearSession(): void {
    this.generation++;
    this.token = undefined;
    this.signingOutElsewhere = undefined;
    clearTimeout(this.refreshTimer);
    this.jar?.clear();
  }

  /** Stop refreshing in the background (the client is closing); the next request refreshes when needed. */
  pauseRefresh(): void {
    clearTimeout(this.refreshTimer);
  }

  /** Refresh in the background again (a session starts on this client). */
  resumeRefresh(): void {
    if (this.token) this.scheduleRefresh(this.token);
  }

  get hasSession(): boolean {
    return this.token !== undefined;
  }

  /** The session id of the current token. */
  get sessionId(): string | undefined {
    return this.token?.tokens.sessionId;
  }

  /** Tell the other tabs of this origin that the session is over; call before `clearSession`. */
  announceSignedOut(reason: TabSignOutReason): void {
    const sessionId = this.token?.tokens.sessionId;
    if (sessionId) this.sync.announceSignedOut(sessionId, reason);
  }

  /** Tell the other tabs that this tab is about to end the session (before the server call that does it). */
  announceSigningOut(reason: TabSignOutReason): void {
    const sessionId = this.token?.tokens.sessionId;
    if (sessionId) this.sync.announceSigningOut(sessionId, reason);
  }

  /** Why another tab is ending this session right now, if it announced it in the last few seconds. */
  get signOutInProgressElsewhere(): TabSignOutReason | undefined {
    const pending = this.signingOutElsewhere;
    return pending && pending.until > Date.now() ? pending.reason : undefined;
  }

  /**
   * A valid access token: the current one unless it is missing, due for refresh, or is `refused` (the token a
   * server just rejected; when ours has been replaced since, the replacement is returned without a refresh).
   */
  async accessToken(refused?: string): Promise<string> {
    const held = this.token;
    if (held && held.tokens.accessToken !== refused && !this.isDue(held)) return held.tokens.accessToken;
    if (held && refused !== undefined && held.tokens.accessToken !== refused && held.expiresAt > Date.now()) {
      return held.tokens.accessToken;
    }
    try {
      return (await this.refreshReplacing(held)).tokens.accessToken;
    } catch (err) {
      // Due but not expired, and the refresh failed for a passing reason: the current token still works.
      const current = this.token;
      if (current && current === held && refused === undefined && current.expiresAt > Date.now() && isTransient(err)) {
        return current.tokens.accessToken;
      }
      throw err;
    }
  }

  /**
   * A new access token for the current session (or, with no session, for the refresh cookie's): POST
   * /api/auth/refresh, or the token another tab just obtained. When the server refuses, the session is gone
   * (`onSessionExpired` fires when a session existed).
   */
  async refresh(): Promise<TokenResponse> {
    return (await this.refreshReplacing(this.token)).tokens;
  }

  /** Send one request; resolves with the schema-validated body, rejects with ApiError or InvalidResponseError. */
  async request<T = undefined>(method: string, path: string, opts: RequestOptions<T> = {}): Promise<T> {
    const auth = opts.auth ?? true;
    if (auth) await this.accessToken();
    const sentWith = this.token?.tokens.accessToken;
    let res = await this.send(method, path, opts, auth);
    if (res.status === 401 && auth) {
      // Refresh only if the refused token is still ours: when another request's refresh (or another tab's)
      // replaced it meanwhile, retry with that one. Refreshing again would spend the refresh token once per 401.
      await this.accessToken(sentWith);
      res = await this.send(method, path, opts, auth);
    }
    const body = await readJson(res);
    if (!res.ok) throw ApiError.fromResponse(res.status, body);
    if (!opts.schema) return undefined as T;
    const parsed = opts.schema.safeParse(body);
    if (!parsed.success) throw new InvalidResponseError(path, parsed.error);
    return parsed.data;
  }

  private async refreshReplacing(stale: HeldToken | undefined): Promise<HeldToken> {
    const generation = this.generation;
    let token: HeldToken;
    try {
      token = await this.sync.refresh(stale);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403) && generation === this.generation) {
        this.loseSession('expired');
      }
      throw err;
    }
    if (generation !== this.generation) throw new ApiError(401, 'unauthorized', 'the session changed during the refresh');
    const current = this.token;
    if (current && current.tokens.user.id !== token.tokens.user.id) {
      // The shared cookie now belongs to another account (signed in in another tab): never continue as them.
      this.loseSession('replaced');
      throw new ApiError(401, 'unauthorized', 'another account signed in in this browser');
    }
    if (!current || token.expiresAt >= current.expiresAt || current.tokens.sessionId !== token.tokens.sessionId) this.setToken(token);
    return this.token ?? token;
  }

  private loseSession(reason: SessionLossReason): void {
    // Told while the token is still here, so the listener can still tell the other tabs which session ended.
    if (this.token !== undefined) this.opts.onSessionExpired?.(reason);
    this.clearSession();
  }

  /** A token another tab obtained: take it when it is for our session and outlives ours. */
  private adopt(token: HeldToken): void {
    const current = this.token;
    if (!current || current.tokens.sessionId !== token.tokens.sessionId) return;
    if (token.expiresAt <= current.expiresAt || token.expiresAt <= Date.now()) return;
    this.setToken(token);
  }

  private setToken(token: HeldToken): void {
    this.token = token;
    this.scheduleRefresh(token);
  }

  /** Past the proactive-refresh point of its lifetime (80% by default). */
  private isDue(token: HeldToken): boolean {
    return Date.now() >= token.expiresAt - this.lifetimeOf(token) * (1 - this.refreshFraction);
  }

  private get refreshFraction(): number {
    return this.opts.refreshAtFraction ?? 0.8;
  }

  private lifetimeOf(token: HeldToken): number {
    return token.tokens.expiresIn * 1000;
  }

  /**
   * Refresh shortly before the token is due, spread by a random part of its lifetime so that tabs holding the
   * same token do not all wake at once: the first one refreshes and broadcasts, the others adopt its token.
   */
  private scheduleRefresh(token: HeldToken, delayMs?: number): void {
    clearTimeout(this.refreshTimer);
    const lifetime = this.lifetimeOf(token);
    const jitter = (this.opts.random ?? Math.random)() * lifetime * REFRESH_JITTER_FRACTION;
    const at = token.expiresAt - lifetime * (1 - this.refreshFraction) - jitter;
    const delay = delayMs ?? Math.max(0, at - Date.now());
    this.refreshTimer = setTimeout(() => void this.proactiveRefresh(token), delay);
    // Node: a pending refresh must not keep a finished bot or test process alive.
    (this.refreshTimer as { unref?: () => void }).unref?.();
  }

  private async proactiveRefresh(expected: HeldToken): Promise<void> {
    if (this.token !== expected) return;
    try {
      await this.refreshReplacing(expected);
    } catch (err) {
      // A refused refresh has ended the session already; a passing failure is tried again while the token lives.
      const remaining = expected.expiresAt - Date.now();
      if (this.token === expected && isTransient(err) && remaining > 0) {
        this.scheduleRefresh(expected, Math.min(PROACTIVE_RETRY_MS, remaining / 2));
      }
    }
  }

  private async send(method: string, path: string, opts: RequestOptions<unknown>, auth: boolean): Promise<Response> {
    const query = opts.query ? `?${new URLSearchParams(Object.entries(opts.query).map(([k, v]) => [k, String(v)]))}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.token) headers.authorization = `Bearer ${this.token.tokens.accessToken}`;
    if (this.jar) {
      const cookie = this.jar.header(this.pathOf(path));
      if (cookie) headers.cookie = cookie;
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.opts.baseUrl + path + query, {
        method,
        headers,
        credentials: 'include',
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
    } catch (err) {
      throw new ApiError(0, 'unavailable', 'network error', undefined, { cause: err });
    }
    if (this.jar) this.jar.store(res.headers.getSetCookie?.() ?? [], this.pathOf(path));
    return res;
  }

  private pathOf(path: string): string {
    const prefix = this.opts.baseUrl ? new URL(this.opts.baseUrl).pathname.replace(/\/$/, '') : '';
    return prefix + path;
  }
}

/** A failure that says nothing about the session: network, server trouble, rate limiting. */
function isTransient(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 0 || err.status === 429 || err.status >= 500);
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
