import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Backend } from './service-processes';

/**
 * Users, sessions, devices and conversations made through the real services' HTTP APIs, as a browser would make
 * them: sign up and log in at auth (real access tokens and refresh cookies), devices and DMs at the directory.
 */

export const PASSWORD = 'correct horse battery staple';

export const uniqueName = () => `gw${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export interface HttpResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One signed-in session: its access token, and its refresh cookie (kept like a browser keeps it). */
export class Session {
  userId = '';
  id = '';
  accessToken = '';
  private readonly cookies = new Map<string, string>();

  private constructor(private readonly backend: Backend) {}

  /** Log in (a new session of that user). */
  static async login(backend: Backend, username: string, password = PASSWORD): Promise<Session> {
    const session = new Session(backend);
    const res = await session.auth('POST', '/api/auth/login', { username, password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    session.userId = res.body.user.id;
    session.id = res.body.sessionId;
    session.accessToken = res.body.accessToken;
    return session;
  }

  /** A request to auth's API with this session's token and cookie. */
  auth(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return this.request(this.backend.auth.url, method, path, body);
  }

  /** A request to the directory's API (the backend's first instance unless `baseUrl` names another). */
  directory(method: string, path: string, body?: unknown, baseUrl = this.backend.directory.url): Promise<HttpResult> {
    return this.request(baseUrl, method, path, body);
  }

  /** Rotate the refresh cookie: a new access token of this session (new `jti`), kept as the current one. */
  async refresh(): Promise<string> {
    const res = await this.auth('POST', '/api/auth/refresh');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.sessionId).toBe(this.id);
    this.accessToken = res.body.accessToken;
    return this.accessToken;
  }

  private async request(baseUrl: string, method: string, path: string, body?: unknown): Promise<HttpResult> {
    // The refresh cookie is scoped to /api/auth: it goes to auth only.
    const cookies = baseUrl === this.backend.auth.url ? this.cookies : new Map<string, string>();
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}),
        ...(cookies.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k.trim(), v.join('='));
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
}

/** A signed-up user with one device registered at the directory, and the session that registered it. */
export interface TestUser {
  userId: string;
  username: string;
  deviceId: string;
  session: Session;
}

/** Sign up at auth, log in, and register a device (a fresh P-256 public key) at the directory. */
export async function newUser(backend: Backend): Promise<TestUser> {
  const username = uniqueName();
  const registered = await fetch(`${backend.auth.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
  const session = await Session.login(backend, username);
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const publicKey = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('base64url');
  // The directory learns of new accounts from auth's event; it answers 503 until it has this one.
  for (let attempt = 0; ; attempt++) {
    const res = await session.directory('PUT', '/api/directory/devices', { publicKey });
    if (res.status === 201) return { userId: session.userId, username, deviceId: res.body.device.id, session };
    if (res.status !== 503 || attempt > 40) throw new Error(`device registration failed: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Open the DM between `a` and `b` (at the directory instance at `directoryUrl`, by default the first); its id. */
export async function openDm(a: TestUser, b: TestUser, directoryUrl?: string): Promise<string> {
  const res = await a.session.directory('POST', '/api/directory/dms', { peerUserId: b.userId }, directoryUrl);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.conversation.id as string;
}

/** The `jti` claim of an access token. */
export function jtiOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
}

/** A UUIDv7 (message ids must be one): 48-bit milliseconds, version 7, variant 10, random rest. */
export function uuidv7(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A syntactically valid v0 envelope with random bytes (the servers never decrypt). */
export const envelopeV0 = (senderDeviceId: string, recipientDeviceId: string) => ({
  v: 0 as const,
  senderDeviceId,
  recipientDeviceId,
  iv: randomBytes(12).toString('base64url'),
  ct: randomBytes(48).toString('base64url'),
});
