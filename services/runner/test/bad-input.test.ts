import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorBody, httpStatusOf, ServerFrame, WS_PATH, WsCloseCode } from '@cipherlink/proto';
import { startTestStack, TestHttp, uniqueName } from './harness';
import type { Stack } from '../src/stack';

/**
 * "No input makes a service answer 500": every HTTP route and the WebSocket endpoint of the whole stack get a table
 * of hostile inputs. Each must be refused with a 4xx in the one error shape (`{ error: { code, message } }`, the code
 * matching the status), or, on the socket, with an error frame or a clean close. The stack must keep serving.
 */

let stack: Stack;
const PASSWORD = 'correct horse battery staple';

interface Actor {
  http: TestHttp;
  user: { id: string; username: string };
  token: string;
  deviceId: string;
}
let alice: Actor;
let bob: Actor;
let conversationId: string;
let signingKid: string;

// ---- raw HTTP: no path normalisation, any method, any body, any header ----

interface RawResponse {
  status: number;
  text: string;
  json: unknown;
}

function raw(method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  const url = new URL(stack.url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent: false,
        headers: { ...(opts.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(opts.body)) }), ...opts.headers },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
        res.on('error', reject);
      },
    );
    // A server that answers 413 before reading the whole body may reset the connection under our write.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

// ---- hostile case tables ----

interface HostileCase {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  /** Content-Type of `body`; defaults to application/json when there is a body. `null` sends none. */
  contentType?: string | null;
  /** The Authorization header: `valid` (alice's token, the default), `none`, or a literal header value. */
  auth?: string;
  headers?: Record<string, string>;
  /** The exact status expected, when it is known; otherwise any 4xx passes. */
  status?: number;
}

const json = (v: unknown) => JSON.stringify(v);
const KB100 = 'a'.repeat(100 * 1024);
const KB60 = 'a'.repeat(60 * 1024);
/** Deeply nested arrays: probes for recursion in parsers, validators and loggers (stays under the body limit). */
const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);

/**
 * Hostile bodies for a JSON route whose valid body is `valid`; every string field is attacked too, except that
 * `freeText` fields (a new password: any text is a valid password) get no content attacks, only type and size ones.
 */
function bodyCases(method: string, path: string, valid: Record<string, unknown>, freeText: string[] = []): HostileCase[] {
  const c = (name: string, body: string, extra: Partial<HostileCase> = {}): HostileCase => ({ name, method, path, body, ...extra });
  const stringFields = Object.keys(valid).filter((k) => typeof valid[k] === 'string');
  const contentAttacked = (f: string) => !freeText.includes(f);
  return [
    c('non-JSON body', '{not json', { status: 400 }),
    c('truncated JSON', json(valid).slice(0, -3), { status: 400 }),
    c('empty JSON body', '', { status: 400 }),
    c('JSON array', '[]', { status: 400 }),
    c('JSON array of the valid body', json([valid]), { status: 400 }),
    c('JSON string', '"hello"', { status: 400 }),
    c('JSON number', '42', { status: 400 }),
    c('JSON null', 'null', { status: 400 }),
    c('JSON true', 'true', { status: 400 }),
    c('empty object (missing fields)', '{}', { status: 400 }),
    c('extra field', json({ ...valid, admin: true }), { status: 400 }),
    c('deeply nested JSON', DEEP, { status: 400 }),
    c('deeply nested JSON in a field', `{"${stringFields[0]}":${DEEP}}`, { status: 400 }),
    c('__proto__ key', `{"__proto__":{"polluted":"yes"},${json(valid).slice(1)}`),
    c('constructor.prototype key', `{"constructor":{"prototype":{"polluted":"yes"}},${json(valid).slice(1)}`),
    c('valid JSON as text/plain', json(valid), { contentType: 'text/plain' }),
    c('form-urlencoded', new URLSearchParams(valid as Record<string, string>).toString(), { contentType: 'application/x-www-form-urlencoded' }),
    c('octet-stream', json(valid), { contentType: 'application/octet-stream' }),
    c('multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--', { contentType: 'multipart/form-data; boundary=x' }),
    c('no content-type', json(valid), { contentType: null }),
    c('garbage content-type', json(valid), { contentType: ';;;/==' }),
    c('binary body', '', { body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), status: 400 }),
    c('100 KB body', json({ ...valid, pad: KB100 }), { status: 413 }),
    ...stringFields.flatMap((f) => [
      c(`${f}: number`, json({ ...valid, [f]: 12345678 }), { status: 400 }),
      c(`${f}: array`, json({ ...valid, [f]: [valid[f]] }), { status: 400 }),
      c(`${f}: object`, json({ ...valid, [f]: { $ne: null } }), { status: 400 }),
      c(`${f}: null`, json({ ...valid, [f]: null }), { status: 400 }),
      c(`${f}: 100 KB string`, json({ ...valid, [f]: KB100 }), { status: 413 }),
      c(`${f}: 60 KB string`, json({ ...valid, [f]: KB60 })),
      ...(contentAttacked(f)
        ? [
            c(`${f}: NUL inside`, json({ ...valid, [f]: `ab\u0000${String(valid[f])}` })),
            c(`${f}: unicode`, json({ ...valid, [f]: 'ünïcødé💩\u202e' })),
            c(`${f}: lone surrogates`, json({ ...valid, [f]: '@@' }).replace('"@@"', '"\\udfff\\ud800"')),
            c(`${f}: SQL`, json({ ...valid, [f]: "x' OR '1'='1' --" })),
          ]
        : []),
    ]),
  ];
}

/** Hostile values of one path parameter, as raw path text (already percent-encoded where needed). */
const BAD_PARAMS: { name: string; value: string; status?: number }[] = [
  { name: 'not a uuid', value: 'not-a-uuid' },
  { name: 'uuid with a bad digit', value: '00000000-0000-0000-0000-00000000000g' },
  { name: 'uuid with a suffix', value: `${randomUUID()}x` },
  { name: 'braced uuid', value: `%7B${randomUUID()}%7D` },
  { name: 'dot-dot', value: '..' },
  { name: 'encoded traversal', value: '..%2F..%2Fauth%2Fme' },
  { name: 'encoded dot traversal', value: '%2e%2e%2f%2e%2e%2fetc%2fpasswd' },
  { name: '%00', value: '%00' },
  { name: 'uuid then %00', value: `${randomUUID()}%00` },
  { name: 'percent-encoded unicode', value: '%F0%9F%92%A9%E2%80%AE' },
  // Refused by node's HTTP parser, before fastify sees a request.
  { name: 'raw latin1 byte', value: 'caf\u00e9', status: 400 },
  // Refused by the router, before any route or hook runs.
  { name: 'malformed percent-encoding', value: '%E0%A4%A', status: 400 },
  { name: 'lone %', value: '%', status: 400 },
  { name: 'SQL', value: "x'%20OR%20'1'='1" },
  { name: '__proto__', value: '__proto__' },
  { name: 'constructor', value: 'constructor' },
  { name: '101 characters', value: 'a'.repeat(101), status: 400 },
  { name: '8 KB', value: 'a'.repeat(8 * 1024), status: 400 },
  { name: 'space', value: '%20' },
  { name: 'negative number', value: '-1' },
];

/** Authorization header values that must all be refused with 401. */
async function badAuthorizations(): Promise<{ name: string; value: string }[]> {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'cipherlink-auth', aud: 'cipherlink', sub: alice.user.id, sid: randomUUID(), jti: randomUUID(), iat: now, exp: now + 600, name: alice.user.username };
  // A well-formed ES256 token with the real kid, signed by a key that is not ours.
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const forgedInput = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: signingKid })}.${b64(claims)}`;
  const forgedSig = Buffer.from(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, Buffer.from(forgedInput))).toString('base64url');
  const [h, p] = alice.token.split('.');
  return [
    { name: 'garbage', value: 'garbage' },
    { name: 'bare Bearer', value: 'Bearer' },
    { name: 'Bearer and space', value: 'Bearer ' },
    { name: 'lowercase scheme', value: `bearer ${alice.token}` },
    { name: 'Basic credentials', value: 'Basic YWxpY2U6cGFzc3dvcmQ=' },
    { name: 'not a JWT', value: 'Bearer not-a-jwt' },
    { name: 'three garbage segments', value: 'Bearer a.b.c' },
    { name: 'only dots', value: 'Bearer ..' },
    { name: 'header "null"', value: `Bearer ${b64(null)}.${b64(claims)}.AAAA` },
    { name: 'alg none', value: `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.` },
    { name: 'alg HS256 with the real kid', value: `Bearer ${b64({ alg: 'HS256', typ: 'at+jwt', kid: signingKid })}.${b64(claims)}.${'A'.repeat(43)}` },
    { name: 'forged ES256 signature', value: `Bearer ${forgedInput}.${forgedSig}` },
    { name: 'unknown 3 KB kid', value: `Bearer ${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k'.repeat(3000) })}.${b64(claims)}.${forgedSig}` },
    { name: 'real token, tampered payload', value: `Bearer ${h}.${b64({ ...claims, sub: bob.user.id })}.${alice.token.split('.')[2]}` },
    { name: 'real token, signature cut', value: `Bearer ${h}.${p}.` },
    { name: 'two tokens', value: `Bearer ${alice.token} ${alice.token}` },
    { name: '5000-character token', value: `Bearer ${'a'.repeat(5000)}` },
    { name: 'latin1 garbage', value: 'Bearer \u00ff\u00fe\u00e9' },
  ];
}

/** Send one case; return what is wrong with the answer ('' when it is a well-formed 4xx). */
async function problemWith(c: HostileCase): Promise<string> {
  const headers: Record<string, string> = { ...c.headers };
  const auth = c.auth ?? 'valid';
  if (auth === 'valid') headers.authorization = `Bearer ${alice.token}`;
  else if (auth !== 'none') headers.authorization = auth;
  if (c.body !== undefined && c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/json';
  const res = await raw(c.method, c.path, { headers, ...(c.body === undefined ? {} : { body: c.body }) });
  const label = `${c.method} ${c.path.slice(0, 90)} [${c.name}] -> ${res.status} ${res.text.slice(0, 160)}`;
  if (res.status < 400 || res.status >= 500) return `${label}: not a 4xx`;
  if (c.status !== undefined && res.status !== c.status) return `${label}: expected ${c.status}`;
  const body = ErrorBody.safeParse(res.json);
  if (!body.success) return `${label}: body is not { error: { code, message } }`;
  if (httpStatusOf[body.data.error.code] !== res.status) return `${label}: code ${body.data.error.code} does not match the status`;
  return '';
}

async function problemsOf(cases: HostileCase[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of cases) {
    const p = await problemWith(c);
    if (p) problems.push(p);
  }
  return problems;
}

// ---- setup: two users, a device, a DM ----

async function until<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function signUpWithDevice(): Promise<Actor> {
  const http = new TestHttp(stack.url);
  const { user } = await http.signUp(uniqueName('bad'), PASSWORD);
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const publicKey = Buffer.from(await crypto.subtle.exportKey('raw', pair.publicKey)).toString('base64url');
  // The directory learns about the account from an event: retry until it has.
  const deviceId = await until('device registration', async () => {
    const res = await http.request('PUT', '/api/directory/devices', { publicKey });
    return res.status === 201 ? (res.body.device.id as string) : undefined;
  });
  return { http, user, token: http.accessToken!, deviceId };
}

beforeAll(async () => {
  stack = await startTestStack();
  alice = await signUpWithDevice();
  bob = await signUpWithDevice();
  const dm = await alice.http.request('POST', '/api/directory/dms', { peerUserId: bob.user.id });
  expect(dm.status).toBe(201);
  conversationId = dm.body.conversation.id;
  const jwks = await alice.http.request('GET', '/api/auth/jwks');
  signingKid = jwks.body.keys[0].kid;
});
afterAll(async () => {
  await stack?.close();
});

describe('hostile HTTP input never makes a service answer 5xx', () => {
  it('the setup is reachable: the same requests succeed with valid input', async () => {
    // Guards against a table that "passes" only because everything is refused for an unrelated reason.
    expect((await raw('GET', '/api/auth/me', { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
    expect((await raw('GET', `/api/messages/${conversationId}?afterSeq=0&limit=10`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
    expect((await raw('GET', `/api/directory/conversations/${conversationId}`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
    expect((await raw('GET', `/api/directory/users/${bob.user.id}/devices`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
    expect((await raw('GET', `/api/directory/users/by-username/${bob.user.username}`, { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
  });

  it('auth: register and login bodies', async () => {
    const problems = await problemsOf([
      ...bodyCases('POST', '/api/auth/register', { username: uniqueName('reg'), password: PASSWORD }, ['password']),
      ...bodyCases('POST', '/api/auth/login', { username: alice.user.username, password: PASSWORD }),
      // PostgreSQL text cannot hold NUL: such a username can never exist, so login refuses it like any unknown name.
      { name: 'login username with NUL', method: 'POST', path: '/api/auth/login', auth: 'none', body: json({ username: `${alice.user.username}\u0000`, password: PASSWORD }), status: 401 },
      { name: 'login username only NUL', method: 'POST', path: '/api/auth/login', auth: 'none', body: json({ username: '\u0000', password: PASSWORD }), status: 401 },
    ]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('directory: device registration and DM bodies', async () => {
    const publicKey = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
    const problems = await problemsOf([
      ...bodyCases('PUT', '/api/directory/devices', { publicKey }),
      ...bodyCases('POST', '/api/directory/dms', { peerUserId: bob.user.id }),
      { name: 'DM with yourself, upper case', method: 'POST', path: '/api/directory/dms', body: json({ peerUserId: alice.user.id.toUpperCase() }), status: 400 },
      { name: 'DM with the nil uuid', method: 'POST', path: '/api/directory/dms', body: json({ peerUserId: '00000000-0000-0000-0000-000000000000' }), status: 404 },
      { name: 'DM with the max uuid', method: 'POST', path: '/api/directory/dms', body: json({ peerUserId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }), status: 404 },
    ]);
    expect(problems).toEqual([]);
  }, 60_000);

  it('path parameters of every parameterised route', async () => {
    const routes = [
      (v: string) => `/api/directory/users/by-username/${v}`,
      (v: string) => `/api/directory/users/${v}/devices`,
      (v: string) => `/api/directory/conversations/${v}`,
      (v: string) => `/api/messages/${v}`,
    ];
    const cases: HostileCase[] = routes.flatMap((route) => BAD_PARAMS.map(({ name, value, status }) => ({ name, method: 'GET', path: route(value), ...(status ? { status } : {}) })));
    // Traversal across segments and unknown methods land on no route at all: 404 in the same shape.
    for (const path of ['/api/directory/users/../../auth/me/devices', '/api/messages/../auth/me', '/api/auth/../auth/me', '/api/directory/conversations/%2F..%2F..']) {
      cases.push({ name: 'traversal', method: 'GET', path });
    }
    for (const [method, path] of [
      ['DELETE', '/api/directory/devices'],
      ['PATCH', `/api/directory/conversations/${conversationId}`],
      ['POST', `/api/messages/${conversationId}`],
      ['PUT', '/api/auth/login'],
      ['POST', '/api/auth/jwks'],
      ['GET', '/api/auth/register'],
    ] as const) {
      cases.push({ name: 'wrong method', method, path, status: 404 });
    }
    expect(await problemsOf(cases)).toEqual([]);
  }, 60_000);

  it('query strings of the history route: bad values, duplicate keys, pollution keys', async () => {
    const base = `/api/messages/${conversationId}`;
    const queries = [
      'afterSeq=-1',
      'afterSeq=abc',
      'afterSeq=1.5',
      'afterSeq=1e400',
      'afterSeq=99999999999999999999',
      'afterSeq=NaN',
      'afterSeq=Infinity',
      'limit=0',
      'limit=501',
      'limit=-5',
      'limit=abc',
      'afterSeq=1&afterSeq=2',
      'limit=1&limit=2',
      'afterSeq[]=1',
      'afterSeq[$gt]=0',
      '__proto__=1',
      '__proto__[polluted]=yes',
      'constructor=1',
      'constructor[prototype][polluted]=yes',
      'unknown=1',
      'afterSeq=%00',
      'afterSeq=%E0%A4%A',
      `afterSeq=${'9'.repeat(8 * 1024)}`,
      'limit=%F0%9F%92%A9',
    ];
    const problems = await problemsOf(queries.map((q) => ({ name: q.slice(0, 40), method: 'GET', path: `${base}?${q}`, status: 400 })));
    expect(problems).toEqual([]);
  });

  it('Authorization headers that are not a valid access token, on every authenticated route', async () => {
    const routes: [string, string, string?][] = [
      ['GET', '/api/auth/me'],
      ['GET', `/api/directory/users/by-username/${bob.user.username}`],
      ['GET', `/api/directory/users/${bob.user.id}/devices`],
      ['PUT', '/api/directory/devices', json({ publicKey: Buffer.alloc(65, 4).toString('base64url') })],
      ['POST', '/api/directory/dms', json({ peerUserId: bob.user.id })],
      ['GET', '/api/directory/conversations'],
      ['GET', `/api/directory/conversations/${conversationId}`],
      ['GET', `/api/messages/${conversationId}`],
    ];
    const cases: HostileCase[] = [];
    for (const { name, value } of [...(await badAuthorizations()), { name: 'no Authorization', value: 'none' }]) {
      for (const [method, path, body] of routes) cases.push({ name, method, path, auth: value, status: 401, ...(body === undefined ? {} : { body }) });
    }
    // An anonymous caller with a malformed body still learns nothing but 401 (directory authenticates first).
    cases.push({ name: 'anonymous + bad JSON', method: 'POST', path: '/api/directory/dms', auth: 'none', body: '{nope', status: 401 });
    // Headers past node's size limit are refused by its HTTP parser: still 400 in the one error shape.
    cases.push({ name: '100 KB Authorization', method: 'GET', path: '/api/auth/me', auth: `Bearer ${KB100}`, status: 400 });
    cases.push({ name: '100 KB cookie', method: 'POST', path: '/api/auth/refresh', auth: 'none', headers: { cookie: `cl_rt=${KB100}` }, status: 400 });
    expect(await problemsOf(cases)).toEqual([]);
  }, 60_000);

  it('refresh: hostile cookies and origins', async () => {
    const cookies = [
      'cl_rt=garbage',
      'cl_rt=',
      `cl_rt=${'a'.repeat(4000)}`,
      'cl_rt=%E0%A4%A',
      'cl_rt=%00',
      'cl_rt=__proto__',
      '__proto__=x; constructor=y',
      'cl_rt=a; cl_rt=b',
      ';;;==;',
    ];
    const cases: HostileCase[] = cookies.map((cookie) => ({ name: `cookie ${cookie.slice(0, 30)}`, method: 'POST', path: '/api/auth/refresh', auth: 'none', headers: { cookie }, status: 401 }));
    for (const origin of ['null', 'https://evil.example', 'not a url', `${stack.url}.evil.example`]) {
      cases.push({ name: `origin ${origin}`, method: 'POST', path: '/api/auth/refresh', auth: 'none', headers: { origin }, status: 403 });
      cases.push({ name: `origin ${origin}`, method: 'POST', path: '/api/auth/logout', auth: 'none', headers: { origin }, status: 403 });
    }
    cases.push({ name: 'refresh with a JSON body that is not JSON', method: 'POST', path: '/api/auth/refresh', auth: 'none', body: '{nope', status: 400 });
    cases.push({ name: 'logout with a JSON body that is not JSON', method: 'POST', path: '/api/auth/logout', auth: 'none', body: '{nope', status: 400 });
    expect(await problemsOf(cases)).toEqual([]);
  });

  it('endpoints that ignore the input by design still answer normally, never 5xx', async () => {
    // logout always clears the client's state: garbage credentials end nothing but answer 204.
    const logouts: Record<string, string>[] = [{ authorization: 'Bearer a.b.c' }, { authorization: 'garbage' }, { cookie: 'cl_rt=garbage' }, { cookie: '__proto__=x' }];
    for (const headers of logouts) {
      expect((await raw('POST', '/api/auth/logout', { headers })).status, JSON.stringify(headers)).toBe(204);
    }
    for (const q of ['?a=1&a=2', '?__proto__=1', '?%E0%A4%A', `?x=${'y'.repeat(8 * 1024)}`]) {
      const res = await raw('GET', `/api/auth/jwks${q}`, { headers: { authorization: 'garbage' } });
      expect(res.status, q).toBe(200);
      expect((res.json as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    }
    // The bearer-only logout above must not have ended alice's real session.
    expect((await raw('GET', '/api/auth/me', { headers: { authorization: `Bearer ${alice.token}` } })).status).toBe(200);
  });

  it('afterwards the stack still serves and nothing polluted Object.prototype', async () => {
    expect((await raw('GET', '/readyz')).status).toBe(200);
    const me = await alice.http.request('GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: alice.user });
    const history = await bob.http.request('GET', `/api/messages/${conversationId}?afterSeq=0`);
    expect(history.status).toBe(200);
    expect(history.body).toEqual({ messages: [], hasMore: false });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

// ---- WebSocket ----

class Sock {
  readonly frames: ServerFrame[] = [];
  readonly invalid: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const parsed = ServerFrame.safeParse(value);
      if (parsed.success) this.frames.push(parsed.data);
      else this.invalid.push(text);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters.splice(0)) w();
      }),
    );
  }

  static open(path = WS_PATH, headers: Record<string, string> = {}): Promise<Sock> {
    const ws = new WebSocket(stack.url.replace(/^http/, 'ws') + path, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Sock(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  get errors() {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: 'error' }> => f.type === 'error');
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Wait until `done()` holds (checked on every frame and on close), at most `ms`. */
  async until(what: string, done: () => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async authenticate(actor: Actor): Promise<void> {
    this.send({ type: 'auth', token: actor.token, deviceId: actor.deviceId });
    await this.until('ready', () => this.frames.some((f) => f.type === 'ready'));
    expect(this.frames.find((f) => f.type === 'ready')).toMatchObject({ type: 'ready', userId: actor.user.id, deviceId: actor.deviceId });
  }

  close(): void {
    this.ws.close(1000);
  }
}

/** Text frames that are not a valid client frame; each must get exactly one `bad_request` error frame. */
const GARBAGE_FRAMES: string[] = [
  '{not json',
  '',
  ' ',
  'null',
  '42',
  '"auth"',
  'true',
  '[]',
  '[{"type":"ping"}]',
  '{}',
  '{"type":null}',
  '{"type":"teleport","id":"t-1"}',
  '{"type":"auth"}',
  json({ type: 'auth', token: '', deviceId: 'x' }),
  json({ type: 'auth', token: 'a.b.c', deviceId: '../../etc/passwd' }),
  json({ type: 'auth', token: 'a'.repeat(4097), deviceId: randomUUID() }),
  json({ type: 'auth', token: 'a.b.c', deviceId: randomUUID(), extra: 1 }),
  `{"type":"auth","token":"a.b.c","deviceId":"${randomUUID()}","__proto__":{"polluted":"yes"}}`,
  `{"type":"auth","token":${DEEP},"deviceId":"${randomUUID()}"}`,
  DEEP,
  '{"type":"auth","token":"\\ud800","deviceId":"\u0000"}',
];

describe('hostile WebSocket input never crashes the gateway', () => {
  it('answers garbage before auth with one bad_request frame each, keeps the socket, then authenticates', async () => {
    const s = await Sock.open();
    for (const g of GARBAGE_FRAMES) s.send(g);
    s.ws.send(Buffer.from([0, 1, 2, 0xff]), { binary: true });
    s.ws.send(Buffer.from(json({ type: 'auth', token: alice.token, deviceId: alice.deviceId })), { binary: true });
    const expected = GARBAGE_FRAMES.length + 2;
    await s.until(`${expected} error frames`, () => s.errors.length >= expected);
    expect(s.errors.map((e) => e.code)).toEqual(Array(expected).fill('bad_request'));
    expect(s.errors.find((e) => e.ref === 't-1')).toBeDefined();
    expect(s.invalid).toEqual([]);
    expect(s.isOpen).toBe(true);
    await s.authenticate(alice);
    s.send({ type: 'ping' });
    await s.until('pong', () => s.frames.some((f) => f.type === 'pong'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    s.close();
  });

  it('a valid auth frame followed at once by garbage: ready, then an error per frame, and the socket keeps working', async () => {
    const s = await Sock.open();
    s.send({ type: 'auth', token: alice.token, deviceId: alice.deviceId });
    for (const g of GARBAGE_FRAMES) s.send(g);
    s.send({ type: 'auth', token: alice.token, deviceId: alice.deviceId }); // a second auth: answered, not fatal
    const notMine = randomUUID();
    s.send({ type: 'presence.watch', userIds: Array.from({ length: 501 }, () => randomUUID()) });
    s.send({ type: 'message.send', id: '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e10', conversationId: notMine, envelope: { v: 9 } });
    s.send({ type: 'message.send', id: 'not-v7', conversationId, envelope: {} });
    const expected = GARBAGE_FRAMES.length + 4;
    await s.until(`${expected} error frames`, () => s.errors.length >= expected);
    expect(s.frames[0]?.type).toBe('ready');
    expect(s.errors.map((e) => e.code)).toEqual(Array(expected).fill('bad_request'));
    expect(s.errors.some((e) => e.message === 'already authenticated')).toBe(true);
    expect(s.invalid).toEqual([]);
    s.send({ type: 'ping' });
    await s.until('pong', () => s.frames.some((f) => f.type === 'pong'));
    expect(s.isOpen).toBe(true);
    s.close();
  });

  it('1000 rapid garbage frames: each gets an error frame (bad_request or rate_limited); the socket still answers', async () => {
    const s = await Sock.open();
    await s.authenticate(bob);
    for (let i = 0; i < 1000; i++) s.send(i % 3 === 0 ? `{garbage ${i}` : i % 3 === 1 ? json({ type: 'nope', id: `g${i}` }) : '[1,2,3]');
    await s.until('1000 error frames', () => s.errors.length >= 1000, 20_000);
    const codes = new Set(s.errors.map((e) => e.code));
    expect(s.errors).toHaveLength(1000);
    expect([...codes].every((c) => c === 'bad_request' || c === 'rate_limited')).toBe(true);
    expect(codes.has('bad_request')).toBe(true);
    expect(s.invalid).toEqual([]);
    s.send({ type: 'ping' });
    await s.until('pong', () => s.frames.some((f) => f.type === 'pong'));
    s.close();
  }, 30_000);

  it('frames that end the socket end it with a clean close code', async () => {
    const expectClose = async (what: string, act: (s: Sock) => void, code: number, errorCode?: string) => {
      const s = await Sock.open();
      act(s);
      const closed = await Promise.race([s.closed, new Promise<undefined>((r) => setTimeout(r, 5_000))]);
      expect(closed?.code, what).toBe(code);
      if (errorCode) expect(s.errors.map((e) => e.code), what).toEqual([errorCode]);
      expect(s.invalid, what).toEqual([]);
    };
    const forged = (await badAuthorizations()).find((a) => a.name === 'forged ES256 signature')!.value.slice('Bearer '.length);
    await expectClose('ping before auth', (s) => s.send({ type: 'ping' }), WsCloseCode.unauthorized, 'unauthorized');
    await expectClose('not a JWT', (s) => s.send({ type: 'auth', token: 'not.a.jwt', deviceId: alice.deviceId }), WsCloseCode.unauthorized, 'unauthorized');
    await expectClose('forged token', (s) => s.send({ type: 'auth', token: forged, deviceId: alice.deviceId }), WsCloseCode.unauthorized, 'unauthorized');
    await expectClose("another user's device", (s) => s.send({ type: 'auth', token: alice.token, deviceId: bob.deviceId }), WsCloseCode.unauthorized, 'unauthorized');
    // Invalid UTF-8 in a text frame is a protocol error the ws library answers with 1007.
    await expectClose('invalid UTF-8 text', (s) => s.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), 1007);
    await expectClose('oversized frame', (s) => s.send('x'.repeat(70 * 1024)), WsCloseCode.tooBig);
  }, 30_000);

  it('refused upgrades answer in the one error shape', async () => {
    const refusal = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const ws = new WebSocket(stack.url.replace(/^http/, 'ws') + path, { headers });
        ws.once('open', () => reject(new Error(`upgrade to ${path} accepted`)));
        ws.once('error', () => undefined);
        ws.once('unexpected-response', (_req, res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
        });
      });
    for (const [path, headers, status] of [
      ['/ws%00', {}, 404],
      ['/ws/..', {}, 404],
      ['/ws/', {}, 404],
      [WS_PATH, { origin: 'null' }, 403],
      [WS_PATH, { origin: 'https://evil.example' }, 403],
    ] as const) {
      const res = await refusal(path, headers);
      expect(res.status, path).toBe(status);
      const body = ErrorBody.parse(res.body);
      expect(httpStatusOf[body.error.code]).toBe(status);
    }
  });

  it('afterwards a fresh socket authenticates and gets ready, and the stack is ready', async () => {
    const s = await Sock.open();
    await s.authenticate(alice);
    s.send({ type: 'ping' });
    await s.until('pong', () => s.frames.some((f) => f.type === 'pong'));
    s.close();
    expect((await raw('GET', '/readyz')).status).toBe(200);
  });
});
