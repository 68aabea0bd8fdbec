import { TokenResponse } from '@cipherlink/proto';
import { ApiError, InvalidResponseError } from './api-error';
import { CookieJar } from './cookie-jar';
import { paths } from './paths';

/** Any zod schema (structural, so the SDK does not depend on zod's types directly). */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

export interface RestClientOptions {
  /** Origin (and optional path prefix) of the API, e.g. `https://chat.example.com`; '' for same origin. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Node only: keep cookies (the refresh token) in memory, since Node's fetch has no cookie store. */
  cookieJar?: boolean;
  /** Called once when the session can no longer be refreshed. */
  onSessionExpired?: (reason: string) => void;
}

export interface RequestOptions<T> {
  body?: unknown;
  query?: Record<string, string | number>;
  /** Schema of a 2xx body; omit for responses without one (204). */
  schema?: Schema<T>;
  /** Send the access token and refresh once on 401. Default true. */
  auth?: boolean;
}

/** Refresh a little before expiry so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * JSON over fetch. The access token lives only in this object's memory; the refresh token only in the httpOnly
 * cookie (the browser's, or the in-memory jar in Node). A 401 triggers one refresh and one retry; concurrent
 * refreshes share one request, because refresh tokens rotate and a second use would be treated as reuse.
 */
export class RestClient {
  private readonly fetchFn: typeof fetch;
  private readonly jar: CookieJar | undefined;
  private token: { value: string; expiresAt: number } | undefined;
  private refreshing: Promise<TokenResponse> | undefined;

  constructor(private readonly opts: RestClientOptions) {
    // Browsers require fetch to be called on the global object.
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.jar = opts.cookieJar ? new CookieJar() : undefined;
  }

  /** Remember the access token of a login or refresh answer. */
  setSession(tokens: TokenResponse): void {
    this.token = { value: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
  }

  /** Forget the access token and, in Node, the cookies. */
  clearSession(): void {
    this.token = undefined;
    this.jar?.clear();
  }

  get hasSession(): boolean {
    return this.token !== undefined;
  }

  /** A valid access token, refreshed first when missing, expiring soon, or when `forceRefresh`. */
  async accessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.token && this.token.expiresAt - Date.now() > EXPIRY_MARGIN_MS) return this.token.value;
    return (await this.refresh()).accessToken;
  }

  /**
   * POST /api/auth/refresh with the cookie. One request at a time; on failure the session is gone
   * (`onSessionExpired` fires when a session existed).
   */
  refresh(): Promise<TokenResponse> {
    this.refreshing ??= (async () => {
      try {
        const tokens = await this.request('POST', paths.refresh, { schema: TokenResponse, auth: false });
        this.setSession(tokens);
        return tokens;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
          const had = this.token !== undefined;
          this.token = undefined;
          if (had) this.opts.onSessionExpired?.('session expired');
        }
        throw err;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Send one request; resolves with the schema-validated body, rejects with ApiError or InvalidResponseError. */
  async request<T = undefined>(method: string, path: string, opts: RequestOptions<T> = {}): Promise<T> {
    const auth = opts.auth ?? true;
    if (auth && !this.token) await this.accessToken();
    const sentWith = this.token?.value;
    let res = await this.send(method, path, opts, auth);
    if (res.status === 401 && auth) {
      // Refresh only if the refused token is still ours: when another request's refresh replaced it meanwhile,
      // retry with that one. Refreshing again would spend (rotate) the refresh token once per concurrent 401.
      if (this.refreshing || !this.token || this.token.value === sentWith) await this.refresh();
      res = await this.send(method, path, opts, auth);
    }
    const body = await readJson(res);
    if (!res.ok) throw ApiError.fromResponse(res.status, body);
    if (!opts.schema) return undefined as T;
    const parsed = opts.schema.safeParse(body);
    if (!parsed.success) throw new InvalidResponseError(path, parsed.error);
    return parsed.data;
  }

  private async send(method: string, path: string, opts: RequestOptions<unknown>, auth: boolean): Promise<Response> {
    const query = opts.query ? `?${new URLSearchParams(Object.entries(opts.query).map(([k, v]) => [k, String(v)]))}` : '';
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (auth && this.token) headers.authorization = `Bearer ${this.token.value}`;
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

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
