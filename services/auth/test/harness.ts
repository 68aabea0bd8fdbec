import { expect } from 'vitest';
import pg from 'pg';
import { connectNats, createLogger, runServices, type Nats, type RunningServices } from '@cipherlink/kit';
import { ErrorBody, RegisterResponse, SessionsRevokedEvent, subjects, TokenResponse, type PublicUser } from '@cipherlink/proto';
import { createAuthService, loadAuthConfig, type AuthConfig } from '../src';
import { http, refreshCookieOf, uniqueName, type HttpResult } from './http-client';

export const ORIGIN = 'http://app.cipherlink.test';
export const PASSWORD = 'correct horse battery staple';
export const logger = createLogger({ name: 'auth-test', level: (process.env.LOG_LEVEL as 'silent' | undefined) ?? 'silent' });

type RequestOptions = NonNullable<Parameters<typeof http>[3]>;

/** A random address from the benchmarking range 198.18.0.0/15, so per-IP budgets of tests never meet. */
export const randomIp = () => `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

export interface AuthInstance {
  base: string;
  config: AuthConfig;
  db: pg.Pool;
  nats: Nats;
  running: RunningServices;
  request(method: string, path: string, opts?: RequestOptions): Promise<HttpResult>;
  post(path: string, opts?: RequestOptions): Promise<HttpResult>;
  get(path: string, opts?: RequestOptions): Promise<HttpResult>;
  register(username?: string, opts?: RequestOptions): Promise<PublicUser>;
  login(username: string, opts?: RequestOptions & { password?: string }): Promise<{ res: HttpResult; tokens: TokenResponse; refreshToken: string }>;
  close(): Promise<void>;
}

/**
 * One auth service on a free port against the test database, the machine's Redis (unless `env.REDIS_URL` says
 * otherwise) and the NATS of NATS_URL. TRUST_PROXY is on, so tests pick their client address with X-Forwarded-For.
 * Limits are raised unless `env` sets them: only the rate-limit tests depend on budgets.
 */
export async function startAuth(env: Record<string, string> = {}): Promise<AuthInstance> {
  const config = loadAuthConfig({
    ...process.env,
    HTTP_PORT: '0',
    ALLOWED_ORIGINS: ORIGIN,
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_API_PER_MINUTE: '100000',
    ...env,
  });
  const running = await runServices({ services: [createAuthService(config, { logger })], host: '127.0.0.1', port: 0, logger, trustProxy: true });
  const db = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  const nats = await connectNats({ url: config.NATS_URL, name: 'auth-test', logger });
  const base = running.url;
  const request = (method: string, path: string, opts?: RequestOptions) => http(base, method, path, opts);
  const post = (path: string, opts?: RequestOptions) => request('POST', path, opts);

  return {
    base,
    config,
    db,
    nats,
    running,
    request,
    post,
    get: (path, opts) => request('GET', path, opts),
    async register(username = uniqueName(), opts = {}) {
      const res = await post('/api/auth/register', { ...opts, json: { username, password: PASSWORD } });
      expect(res.status).toBe(201);
      return RegisterResponse.parse(res.body).user;
    },
    async login(username, opts = {}) {
      const { password = PASSWORD, ...rest } = opts;
      const res = await post('/api/auth/login', { ...rest, json: { username, password } });
      expect(res.status).toBe(200);
      return { res, tokens: TokenResponse.parse(res.body), refreshToken: refreshCookieOf(res)!.value };
    },
    async close() {
      await running.close();
      await db.end();
      await nats.close();
    },
  };
}

export function expectError(res: HttpResult, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(ErrorBody.parse(res.body).error.code).toBe(code);
}

export function expectCookieCleared(res: HttpResult): void {
  const cookie = refreshCookieOf(res);
  expect(cookie?.value).toBe('');
  expect(cookie?.attributes.get('path')).toBe('/api/auth');
  const expires = cookie?.attributes.get('expires');
  expect(expires && new Date(expires).getTime()).toBeLessThan(Date.now());
}

export type RefreshTokenRow = {
  id: string;
  token_hash: Buffer;
  parent_id: string | null;
  successor_id: string | null;
  rotated_at: Date | null;
  revoked_at: Date | null;
  expires_at: Date;
  successor_sealed: Buffer | null;
};

export async function sessionTokens(db: pg.Pool, sessionId: string): Promise<RefreshTokenRow[]> {
  const { rows } = await db.query<RefreshTokenRow>(
    'SELECT id, token_hash, parent_id, successor_id, rotated_at, revoked_at, expires_at, successor_sealed FROM auth_refresh_tokens WHERE session_id = $1',
    [sessionId],
  );
  return rows;
}

export async function sessionRow(db: pg.Pool, sessionId: string): Promise<{ revoked_at: Date | null; revoked_reason: string | null } | undefined> {
  const { rows } = await db.query<{ revoked_at: Date | null; revoked_reason: string | null }>('SELECT revoked_at, revoked_reason FROM auth_sessions WHERE id = $1', [
    sessionId,
  ]);
  return rows[0];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collect the SessionsRevokedEvents published on core NATS from now on. */
export function watchSessionsRevoked(nats: Nats): { events: SessionsRevokedEvent[]; stop(): void } {
  const events: SessionsRevokedEvent[] = [];
  const sub = nats.nc.subscribe(subjects.evt.sessionsRevoked, { callback: (_err, msg) => void events.push(SessionsRevokedEvent.parse(msg.json())) });
  return { events, stop: () => sub.unsubscribe() };
}

/** Wait until `check` passes (eventually-consistent things: core NATS delivery). */
export async function eventually(check: () => void, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(25);
    }
  }
}
