import { startStack, type Stack } from '../src/stack';

/**
 * Limits so generous that no test is throttled by accident (the machine's Redis, and so every budget keyed by
 * 127.0.0.1 or by user, is shared by every test run). Tests about limits override them in a stack of their own.
 */
export const GENEROUS_LIMITS = {
  AUTH_RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_API_PER_MINUTE: '100000',
  WS_FRAMES_PER_MINUTE: '100000',
  WS_FRAME_BURST: '100000',
} as const;

/**
 * Start the whole stack (every service, real PostgreSQL, Redis and NATS) on a free port for a test file.
 * Uses the test database from vitest's `integration` project env.
 */
export async function startTestStack(overrides: Record<string, string> = {}): Promise<Stack> {
  return startStack({ ...process.env, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', WEB_DIST: '', ...GENEROUS_LIMITS, ...overrides });
}

export const uniqueName = (prefix = 'u') => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** Minimal REST helper: JSON in, JSON out, cookies kept per instance (as a browser would). */
export class TestHttp {
  private cookies = new Map<string, string>();
  accessToken: string | undefined;
  constructor(readonly baseUrl: string, readonly origin = baseUrl) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        origin: this.origin,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}),
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  /** A cookie this client holds (the refresh token `cl_rt`, for instance). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Register and log in a fresh user; keeps the access token. */
  async signUp(username = uniqueName(), password = 'correct horse battery staple') {
    const reg = await this.request('POST', '/api/auth/register', { username, password });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
    const { user, sessionId } = await this.login(username, password);
    return { user, password, sessionId };
  }

  /** Log in (a new session); keeps the access token and the refresh cookie. */
  async login(username: string, password: string) {
    const login = await this.request('POST', '/api/auth/login', { username, password });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    this.accessToken = login.body.accessToken;
    return { user: login.body.user as { id: string; username: string }, sessionId: login.body.sessionId as string };
  }
}
