import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import client from 'prom-client';
import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import type { AccessTokenClaims } from '@cipherlink/proto';
import { AppError, toAppError, UnauthorizedError } from './errors';
import type { Logger } from './logger';
import { bearerToken, type AccessTokenVerifier } from './access-token';
import { extractTraceContext, tracer } from './telemetry';
import type { RateLimiter } from './rate-limit';

declare module 'fastify' {
  interface FastifyRequest {
    /** Claims of the verified access token, set by the auth guard. */
    user?: AccessTokenClaims;
    otelSpan?: Span;
  }
}

/** A named dependency check for /readyz; rejects when the dependency is unreachable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** Process-wide metrics registry (default Node metrics plus our HTTP histogram). */
export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });
const httpDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export interface HttpAppOptions {
  logger: Logger;
  readiness?: ReadinessCheck[];
  /** Largest accepted request body; defaults to 64 KiB. */
  bodyLimit?: number;
  trustProxy?: boolean;
}

/**
 * The one fastify factory every service uses: JSON error shape, 404s, health, readiness, metrics and tracing.
 * It never listens by itself; callers use `inject()` in tests or `listen()` in a composition root.
 */
export function createHttpApp(opts: HttpAppOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 64 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // Our own onResponse hook logs requests (method, route, status, duration: never headers, bodies or queries).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Refusals made before routing never reach setErrorHandler: a malformed percent-encoding or an over-long path
    // parameter (router), and requests node's HTTP parser rejects. Without these two hooks they would answer in
    // fastify's own body shape instead of ours.
    frameworkErrors: (err, _req, reply) => {
      const appErr = fromFastifyError(err);
      void (reply as FastifyReply).status(appErr.status).send(appErr.toBody());
    },
    clientErrorHandler,
  });

  app.addHook('onRequest', async (req) => {
    const parent = extractTraceContext((k) => {
      const v = req.headers[k];
      return Array.isArray(v) ? v[0] : v;
    });
    req.otelSpan = tracer().startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER }, parent);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    req.otelSpan?.setAttributes({ 'http.route': route, 'http.response.status_code': reply.statusCode });
    if (reply.statusCode >= 500) req.otelSpan?.setStatus({ code: SpanStatusCode.ERROR });
    req.otelSpan?.end();
    if (reply.statusCode >= 500) req.log.warn({ req, res: reply }, 'request failed');
    else req.log.debug({ req, res: reply, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    const appErr = fromFastifyError(err);
    if (appErr.code === 'internal') req.log.error({ err }, 'unhandled error');
    if (appErr.code === 'rate_limited') {
      const retry = (appErr.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retry) void reply.header('retry-after', String(retry));
    }
    void reply.status(appErr.status).send(appErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(new AppError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`).toBody());
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      (opts.readiness ?? []).map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2_000);
          return { name, ok: true };
        } catch {
          return { name, ok: false };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks: results });
  });
  app.get('/metrics', async (_req, reply) => {
    void reply.header('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  });
  return app;
}

function fromFastifyError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string };
  // The router's messages quote the whole raw path back; a fixed message says the same without echoing input.
  if (e.code === 'FST_ERR_BAD_URL') return new AppError('bad_request', 'malformed url');
  if (e.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('bad_request', 'path parameter too long');
  if (e.statusCode === 413 || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('payload_too_large', 'request body too large');
  if (e.statusCode === 429) return new AppError('rate_limited', 'too many requests');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    // fastify's own 4xx (malformed JSON, wrong content type): the message is about the request, not our internals.
    return new AppError('bad_request', e.message ?? 'bad request');
  }
  return toAppError(err);
}

/**
 * Node's HTTP parser refused the request (bytes that are not HTTP, headers over the size limit, a request that never
 * finished): answer 400 in our error shape and drop the connection, as fastify's default handler does in its own.
 */
function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const message =
    err.code === 'HPE_HEADER_OVERFLOW' ? 'request headers too large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request timed out' : 'malformed request';
  const body = JSON.stringify(new AppError('bad_request', message).toBody());
  if (socket.writable) {
    socket.write(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A preHandler that requires a valid access token and sets `request.user`. With `perUser`, each request then spends
 * one point of the user's shared rate-limit budget (429 with Retry-After when spent, 503 when Redis is down).
 */
export function authGuard(verifier: AccessTokenVerifier, opts: { perUser?: RateLimiter } = {}) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new UnauthorizedError('missing bearer token');
    req.user = await verifier.verify(token);
    await opts.perUser?.consume(req.user.sub);
  };
}

/** The authenticated user of a request that passed `authGuard`. */
export function userOf(req: FastifyRequest): AccessTokenClaims {
  if (!req.user) throw new UnauthorizedError();
  return req.user;
}

export type { FastifyInstance, FastifyPluginAsync, FastifyRequest, FastifyReply };
