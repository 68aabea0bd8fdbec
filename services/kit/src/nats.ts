import { connect, type NatsConnection, type Msg, type Subscription, type MsgHdrs } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { z } from 'zod';
import { rpcResult, SigningKeysChangedEvent, subjects, type ErrorCode, type RpcEndpoint } from '@cipherlink/proto';
import { AppError, toAppError, UnavailableError } from './errors';
import { describeIssues } from './validation';
import type { Logger } from './logger';
import { extractTraceContext, injectTraceContext, SpanKind, withSpan } from './telemetry';
import type { AccessTokenVerifier } from './access-token';

export type { NatsConnection, JetStreamClient, JetStreamManager };

export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Drain subscriptions and close; waits for in-flight handlers. */
  close(): Promise<void>;
}

export async function connectNats(opts: { url: string; name: string; logger: Logger }): Promise<Nats> {
  const nc = await connect({ servers: opts.url.split(','), name: opts.name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  const log = opts.logger.child({ module: 'nats' });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') log.warn({ status: s.type }, 'nats status');
    }
  })().catch(() => undefined);
  const jsm = await jetstreamManager(nc);
  return {
    nc,
    js: jetstream(nc),
    jsm,
    async close() {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

const encoder = new TextEncoder();
const encode = (value: unknown) => encoder.encode(JSON.stringify(value));

function traceHeaders(extra?: Record<string, string>): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(injectTraceContext({}))) h.set(k, v);
  for (const [k, v] of Object.entries(extra ?? {})) h.set(k, v);
  return h;
}

function contextOf(h: MsgHdrs | undefined) {
  return extractTraceContext((key) => (h?.has(key) ? h.get(key) : undefined));
}

/**
 * The readiness check every service uses for NATS: a round trip to the server (flush) on the service's connection.
 * `current` returns the connection once the service started, undefined before.
 */
export function natsReadiness(current: () => Nats | undefined): { name: string; check: () => Promise<void> } {
  return {
    name: 'nats',
    check: async () => {
      const nats = current();
      if (!nats || nats.nc.isClosed()) throw new Error('nats not connected');
      await nats.nc.flush();
    },
  };
}

/** Create or update a stream so its config matches ours (idempotent; safe from every instance). */
export async function ensureStream(
  jsm: JetStreamManager,
  cfg: { name: string; subjects: readonly string[]; workQueue?: boolean; maxAgeMs?: number },
): Promise<void> {
  const config = {
    name: cfg.name,
    subjects: [...cfg.subjects],
    retention: cfg.workQueue ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: (cfg.maxAgeMs ?? 7 * 24 * 3600_000) * 1_000_000,
    duplicate_window: 120 * 1_000_000_000,
  };
  try {
    await jsm.streams.info(cfg.name);
    await jsm.streams.update(cfg.name, config);
  } catch (err) {
    if (err instanceof Error && /stream not found/i.test(err.message)) await jsm.streams.add(config);
    else throw err;
  }
}

/** Serve a request/reply endpoint. Requests are validated; failures answer with a coded error, never crash. */
export function serveRpc<Req extends z.ZodType, Res extends z.ZodType>(
  nats: Nats,
  endpoint: RpcEndpoint<Req, Res>,
  handler: (req: z.output<Req>) => Promise<z.input<Res>>,
  opts: { queue: string; logger: Logger },
): Subscription {
  const log = opts.logger.child({ module: 'rpc', subject: endpoint.subject });
  return nats.nc.subscribe(endpoint.subject, {
    queue: opts.queue,
    callback: (err, msg) => {
      if (err) {
        log.error({ err }, 'subscription error');
        return;
      }
      void withSpan(`rpc ${endpoint.subject}`, { kind: SpanKind.SERVER, parent: contextOf(msg.headers) }, async () => {
        let reply: unknown;
        try {
          const parsed = endpoint.request.safeParse(safeJson(msg));
          if (!parsed.success) throw new AppError('bad_request', 'invalid rpc request', describeIssues(parsed.error));
          reply = { ok: true, data: endpoint.response.parse(await handler(parsed.data)) };
        } catch (e) {
          const appErr = toAppError(e);
          if (appErr.code === 'internal') log.error({ err: e }, 'rpc handler failed');
          reply = { ok: false, error: { code: appErr.code, message: appErr.message } };
        }
        if (!msg.reply) return;
        try {
          msg.respond(encode(reply));
        } catch (e) {
          // A reply over the server's max_payload, or a connection closing under a slow handler: publish throws
          // synchronously. Uncaught here it would reject a promise nobody awaits and end the process.
          log.error({ err: e }, 'rpc reply not sent');
          try {
            msg.respond(encode({ ok: false, error: { code: 'internal', message: 'internal error' } }));
          } catch {
            // The connection is gone; the caller times out.
          }
        }
      });
    },
  });
}

function safeJson(msg: Msg | JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}

/** Call a request/reply endpoint; the answer is validated. Remote errors are re-thrown as AppError. */
export async function callRpc<Req extends z.ZodType, Res extends z.ZodType>(
  nats: Nats,
  endpoint: RpcEndpoint<Req, Res>,
  request: z.input<Req>,
  opts: { timeoutMs?: number } = {},
): Promise<z.output<Res>> {
  return withSpan(`rpc ${endpoint.subject}`, { kind: SpanKind.CLIENT }, async () => {
    let msg: Msg;
    try {
      msg = await nats.nc.request(endpoint.subject, encode(endpoint.request.parse(request)), {
        timeout: opts.timeoutMs ?? 3_000,
        headers: traceHeaders(),
      });
    } catch (err) {
      throw new UnavailableError(`dependency unavailable (${endpoint.subject})`, { cause: err });
    }
    const result = rpcResult(endpoint.response).safeParse(safeJson(msg));
    if (!result.success) throw new AppError('internal', 'malformed rpc reply', undefined, { cause: result.error });
    const reply = result.data as { ok: true; data: z.output<Res> } | { ok: false; error: { code: ErrorCode; message: string } };
    if (!reply.ok) throw new AppError(reply.error.code, reply.error.message);
    return reply.data;
  });
}

/** Publish a validated payload to JetStream; `msgId` makes the publish idempotent within the duplicate window. */
export async function publishDurable<S extends z.ZodType>(
  nats: Nats,
  subject: string,
  schema: S,
  payload: z.input<S>,
  opts: { msgId?: string } = {},
): Promise<{ seq: number; duplicate: boolean }> {
  const ack = await nats.js.publish(subject, encode(schema.parse(payload)), {
    headers: traceHeaders(),
    ...(opts.msgId ? { msgID: opts.msgId } : {}),
  });
  return { seq: ack.seq, duplicate: ack.duplicate };
}

/** Publish a validated payload on core NATS (ephemeral; for events whose loss is harmless). */
export function publishEphemeral<S extends z.ZodType>(nats: Nats, subject: string, schema: S, payload: z.input<S>): void {
  nats.nc.publish(subject, encode(schema.parse(payload)), { headers: traceHeaders() });
}

/** Subscribe on core NATS; invalid payloads are logged and dropped. */
export function subscribeEphemeral<S extends z.ZodType>(
  nats: Nats,
  subject: string,
  schema: S,
  handler: (payload: z.output<S>, subject: string) => void | Promise<void>,
  opts: { logger: Logger; queue?: string },
): Subscription {
  const log = opts.logger.child({ module: 'sub', subject });
  return nats.nc.subscribe(subject, {
    ...(opts.queue ? { queue: opts.queue } : {}),
    callback: (err, msg) => {
      if (err) return void log.error({ err }, 'subscription error');
      const parsed = schema.safeParse(safeJson(msg));
      if (!parsed.success) return void log.warn({ issues: describeIssues(parsed.error) }, 'dropped invalid event');
      // Called inside the NATS client's read loop: a synchronous throw escaping here would end that loop and with it
      // every subscription and request of the connection.
      try {
        Promise.resolve(handler(parsed.data, msg.subject)).catch((e: unknown) => log.error({ err: e }, 'event handler failed'));
      } catch (e) {
        log.error({ err: e }, 'event handler failed');
      }
    },
  });
}

export interface DurableConsumer {
  stop(): Promise<void>;
}

/**
 * Consume a JetStream durable consumer. The message is acknowledged only after `handler` resolves; a failing handler
 * gets a delayed redelivery; a payload that fails validation is terminated (it can never succeed) and logged.
 *
 * `concurrency` (default 1: one message at a time) lets up to that many handlers run at once, each message still
 * acked only after its own handler resolves. Handlers start in delivery order; callers that need per-key ordering
 * serialise inside the handler.
 */
export async function consumeDurable<S extends z.ZodType>(
  nats: Nats,
  opts: { stream: string; durable: string; filterSubject: string; schema: S; logger: Logger; maxDeliver?: number; concurrency?: number },
  handler: (payload: z.output<S>, msg: JsMsg) => Promise<void>,
): Promise<DurableConsumer> {
  const log = opts.logger.child({ module: 'consumer', durable: opts.durable });
  await nats.jsm.consumers.add(opts.stream, {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: opts.filterSubject,
    ack_wait: 30 * 1_000_000_000,
    max_deliver: opts.maxDeliver ?? 20,
  });
  const consumer = await nats.js.consumers.get(opts.stream, opts.durable);
  const messages = await consumer.consume({ max_messages: 256 });
  // Never rejects: every outcome ends in ack, nak or term.
  const processOne = async (m: JsMsg): Promise<void> => {
    const parsed = opts.schema.safeParse(safeJson(m));
    if (!parsed.success) {
      log.warn({ seq: m.seq, issues: describeIssues(parsed.error) }, 'terminating invalid message');
      // No reason text: servers before 2.10.4 do not parse `+TERM <reason>` and would redeliver the message.
      m.term();
      return;
    }
    try {
      await withSpan(`consume ${m.subject}`, { kind: SpanKind.CONSUMER, parent: contextOf(m.headers) }, () => handler(parsed.data, m));
      m.ack();
    } catch (err) {
      log.error({ err, seq: m.seq, deliveries: m.info.deliveryCount }, 'handler failed; will redeliver');
      m.nak(Math.min(30_000, 250 * 2 ** m.info.deliveryCount));
    }
  };
  const limit = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const inflight = new Set<Promise<void>>();
  const done = (async () => {
    for await (const m of messages) {
      const task: Promise<void> = processOne(m).finally(() => inflight.delete(task));
      inflight.add(task);
      if (inflight.size >= limit) await Promise.race(inflight);
    }
    // The iterator ends on stop(): let in-flight handlers finish and ack before the connection drains.
    await Promise.all(inflight);
  })();
  return {
    async stop() {
      await messages.close();
      await done.catch(() => undefined);
    },
  };
}

/**
 * Make `verifier` fetch the JWKS again whenever auth announces a signing-key change, so a rotation is picked up at
 * once rather than when the cache expires (an unknown `kid` also triggers a fetch, rate-limited).
 */
export function watchSigningKeys(nats: Nats, verifier: Pick<AccessTokenVerifier, 'invalidate'>, logger: Logger): Subscription {
  return subscribeEphemeral(nats, subjects.evt.signingKeysChanged, SigningKeysChangedEvent, () => verifier.invalidate(), { logger });
}
