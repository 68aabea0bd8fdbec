import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRedis,
  createAccessTokenVerifier,
  createHttpApp,
  createLogger,
  createRateLimiter,
  createRedis,
  createRevocationList,
  UnavailableError,
  type FastifyInstance,
  type Redis,
} from '@cipherlink/kit';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYPE, AUTH_AUDIENCE, AUTH_ISSUER, HistoryResponse, type Jwks } from '@cipherlink/proto';
import { historyRoutes } from '../src/handlers/history-routes';
import { createPostgresMessageStore } from '../src/store/postgres-store';
import { sendCommand } from './fixtures';

/**
 * The history route on its own: real PostgreSQL, a locally signed ES256 token and a membership answer chosen per
 * test (the full-stack version with the real auth and directory is services/runner/test/history.test.ts).
 */
const logger = createLogger({ name: 'message-store-test', level: 'silent' });
const store = createPostgresMessageStore({ databaseUrl: process.env.DATABASE_URL!, logger });
// The machine's Redis (deny-list and rate-limit counters); limiter names unique to this run keep budgets apart.
const redis: Redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'message-store-test', logger });
const runId = randomUUID().slice(0, 8);
let app: FastifyInstance;
let token: string;
const memberId = randomUUID();
const conversationId = randomUUID();
let membership: (conversationId: string, userId: string) => Promise<boolean>;
let signToken: (sessionId?: string) => Promise<string>;
let jwks: Jwks;

/** The route on its own app, with a verifier that consults the deny-list in `redisClient`. */
async function buildApp(redisClient: Redis, apiPerMinute: number): Promise<FastifyInstance> {
  const built = createHttpApp({ logger });
  await built.register(
    historyRoutes({
      verifier: createAccessTokenVerifier({ fetchJwks: async () => jwks, revocations: createRevocationList(redisClient) }),
      apiLimiter: createRateLimiter(redisClient, `api-test-${runId}-${apiPerMinute}`, { points: apiPerMinute, durationSeconds: 60 }),
      store,
      isMember: (c, u) => membership(c, u),
    }),
  );
  await built.ready();
  return built;
}

beforeAll(async () => {
  await store.migrate();
  await connectRedis(redis);
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG);
  const kid = 'test-key';
  jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' }] } as Jwks;
  signToken = (sessionId = randomUUID()) =>
    new SignJWT({ sid: sessionId, name: 'alice' })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYPE, kid })
      .setIssuer(AUTH_ISSUER)
      .setAudience(AUTH_AUDIENCE)
      .setSubject(memberId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  token = await signToken();
  app = await buildApp(redis, 1_000);
  for (let i = 0; i < 3; i++) await store.append(sendCommand({ conversationId, senderUserId: memberId }));
});
afterAll(async () => {
  await app?.close();
  await store.close();
  await redis.quit();
});

const get = (url: string, auth = true) => app.inject({ method: 'GET', url, headers: auth ? { authorization: `Bearer ${token}` } : {} });

describe('GET /api/messages/:conversationId', () => {
  it('serves a member their history in seq order, asking about the right user and conversation', async () => {
    const asked: string[][] = [];
    membership = async (c, u) => {
      asked.push([c, u]);
      return true;
    };
    const res = await get(`/api/messages/${conversationId}?afterSeq=1&limit=1`);
    expect(res.statusCode).toBe(200);
    const body = HistoryResponse.parse(res.json());
    expect(body.messages.map((m) => m.seq)).toEqual([2]);
    expect(body.hasMore).toBe(true);
    expect(asked).toEqual([[conversationId, memberId]]);
    const all = HistoryResponse.parse((await get(`/api/messages/${conversationId}`)).json());
    expect(all.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(all.hasMore).toBe(false);
  });

  it('answers 404 not_found to a non-member, the same as for an unknown conversation', async () => {
    membership = async () => false;
    const res = await get(`/api/messages/${conversationId}`);
    const unknown = await get(`/api/messages/${randomUUID()}`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'conversation not found' } });
    expect(unknown.json()).toEqual(res.json());
  });

  it('answers 503 unavailable when membership cannot be checked', async () => {
    membership = async () => {
      throw new UnavailableError('membership check unavailable');
    };
    const res = await get(`/api/messages/${conversationId}`);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('unavailable');
  });

  it('rejects bad paths and queries with 400 before asking the directory', async () => {
    let asked = 0;
    membership = async () => {
      asked++;
      return true;
    };
    for (const q of ['limit=0', 'limit=501', 'afterSeq=-1', 'limit=abc', 'afterSeq=1.5', 'limit=1&limit=2', 'unknown=1']) {
      const res = await get(`/api/messages/${conversationId}?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.code, q).toBe('bad_request');
    }
    expect((await get('/api/messages/not-a-uuid')).statusCode).toBe(400);
    expect(asked).toBe(0);
  });

  it('requires a valid access token', async () => {
    membership = async () => true;
    const none = await get(`/api/messages/${conversationId}`, false);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const forged = await app.inject({ method: 'GET', url: `/api/messages/${conversationId}`, headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    expect(forged.statusCode).toBe(401);
  });

  it('refuses a token of an ended session (deny-list) with 401', async () => {
    membership = async () => true;
    const sessionId = randomUUID();
    const ended = await signToken(sessionId);
    expect((await app.inject({ method: 'GET', url: `/api/messages/${conversationId}`, headers: { authorization: `Bearer ${ended}` } })).statusCode).toBe(200);
    await createRevocationList(redis).deny({ sessionIds: [sessionId] }, 60);
    const res = await app.inject({ method: 'GET', url: `/api/messages/${conversationId}`, headers: { authorization: `Bearer ${ended}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'session ended' } });
  });

  it('answers the request past the per-user budget with 429 and Retry-After', async () => {
    membership = async () => true;
    const limited = await buildApp(redis, 3);
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await limited.inject({ method: 'GET', url: `/api/messages/${conversationId}`, headers: { authorization: `Bearer ${token}` } });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last!.json()).toMatchObject({ error: { code: 'rate_limited' } });
      const retryAfter = Number(last!.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
    } finally {
      await limited.close();
    }
  });

  it('fails closed with 503 when Redis cannot be reached (never 200, never 500)', async () => {
    membership = async () => true;
    // A real client pointed at a port nothing listens on: every command is refused at once.
    const unreachable = createRedis('redis://127.0.0.1:1', { name: 'message-store-test-down', logger });
    const down = await buildApp(unreachable, 1_000);
    try {
      const res = await down.inject({ method: 'GET', url: `/api/messages/${conversationId}`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await down.close();
      unreachable.disconnect();
    }
  });
});
