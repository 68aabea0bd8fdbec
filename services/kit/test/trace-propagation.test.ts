import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { context, propagation, SpanKind, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { RpcEndpoint } from '@cipherlink/proto';
import { callRpc, connectNats, consumeDurable, ensureStream, publishDurable, serveRpc, type DurableConsumer, type Nats } from '../src/nats';
import { createLogger } from '../src/logger';

/**
 * `traceparent` crosses NATS: a span started around kit's callRpc / publishDurable continues, in the same trace, in
 * the span kit's serveRpc / consumeDurable open on the other side. Runs against the real NATS server.
 */

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const logger = createLogger({ name: 'trace-propagation-test', level: 'silent' });
const suffix = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const testTracer = () => trace.getTracer('trace-propagation-test');

let nats: Nats;

/** The exported span matching `pred`, waiting for it (a server span may end just after its reply arrives). */
async function spanWhere(what: string, pred: (s: ReadableSpan) => boolean, ms = 5_000): Promise<ReadableSpan> {
  const deadline = Date.now() + ms;
  for (;;) {
    const hit = exporter.getFinishedSpans().find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) {
      throw new Error(`no span ${what}; have ${JSON.stringify(exporter.getFinishedSpans().map((s) => `${SpanKind[s.kind]} ${s.name}`))}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run `fn` inside a fresh active root span; returns the span (ended) and fn's result. */
async function inParentSpan<T>(name: string, fn: () => Promise<T>): Promise<{ parent: Span; result: T }> {
  return testTracer().startActiveSpan(name, { root: true }, async (parent) => {
    try {
      return { parent, result: await fn() };
    } finally {
      parent.end();
    }
  });
}

beforeAll(async () => {
  // What kit's initTelemetry sets (the W3C propagator), plus a global provider and an async context manager.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  nats = await connectNats({ url: NATS_URL, name: 'trace-propagation-test', logger });
});

afterAll(async () => {
  await nats?.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

beforeEach(() => exporter.reset());

describe('traceparent over NATS request/reply (callRpc -> serveRpc)', () => {
  const endpoint: RpcEndpoint<z.ZodObject<{ n: z.ZodNumber }>, z.ZodObject<{ doubled: z.ZodNumber; traceId: z.ZodString }>> = {
    subject: `cl.rpc.test.v1.trace-${suffix}`,
    request: z.object({ n: z.number().int() }).strict(),
    response: z.object({ doubled: z.number().int(), traceId: z.string() }),
  };
  let sub: ReturnType<typeof serveRpc>;

  beforeAll(async () => {
    // The handler reports the trace it runs in, as seen through the active context.
    sub = serveRpc(nats, endpoint, async ({ n }) => ({ doubled: n * 2, traceId: trace.getActiveSpan()?.spanContext().traceId ?? 'none' }), {
      queue: `test-${suffix}`,
      logger,
    });
    await nats.nc.flush();
  });
  afterAll(() => sub?.unsubscribe());

  it('the server span shares the parent trace and is the child of the client span', async () => {
    const { parent, result } = await inParentSpan('test parent', () => callRpc(nats, endpoint, { n: 21 }));
    const parentCtx = parent.spanContext();
    expect(result.doubled).toBe(42);
    expect(result.traceId).toBe(parentCtx.traceId);

    const client = await spanWhere('CLIENT rpc', (s) => s.kind === SpanKind.CLIENT && s.name === `rpc ${endpoint.subject}`);
    const server = await spanWhere('SERVER rpc', (s) => s.kind === SpanKind.SERVER && s.name === `rpc ${endpoint.subject}`);
    expect(client.spanContext().traceId).toBe(parentCtx.traceId);
    expect(client.parentSpanContext?.spanId).toBe(parentCtx.spanId);
    expect(server.spanContext().traceId).toBe(parentCtx.traceId);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    // The server learned its parent from the message headers, not from in-process context.
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(server.spanContext().spanId).not.toBe(client.spanContext().spanId);
  });

  it('control: a request without a traceparent header starts a new trace on the server', async () => {
    const { parent, result } = await inParentSpan('test parent without headers', async () => {
      const msg = await nats.nc.request(endpoint.subject, new TextEncoder().encode(JSON.stringify({ n: 1 })), { timeout: 3_000 });
      return msg.json<{ ok: true; data: { traceId: string } }>();
    });
    expect(result.ok).toBe(true);
    const server = await spanWhere('SERVER rpc', (s) => s.kind === SpanKind.SERVER && s.name === `rpc ${endpoint.subject}`);
    expect(server.spanContext().traceId).not.toBe(parent.spanContext().traceId);
    expect(server.parentSpanContext).toBeUndefined();
    expect(result.data.traceId).toBe(server.spanContext().traceId);
  });
});

describe('traceparent over JetStream (publishDurable -> consumeDurable)', () => {
  const stream = `TEST_TRACE_${suffix.toUpperCase()}`;
  const durable = `test-trace-${suffix}`;
  const subject = `test.trace.${suffix}.event`;
  const Payload = z.object({ n: z.number().int() }).strict();
  const received: { n: number; traceId: string | undefined }[] = [];
  let consumer: DurableConsumer | undefined;
  let created = false;

  beforeAll(async () => {
    // Short-lived, but max age may not be below the 2-minute duplicate window ensureStream sets.
    await ensureStream(nats.jsm, { name: stream, subjects: [`test.trace.${suffix}.>`], maxAgeMs: 10 * 60_000 });
    created = true;
    consumer = await consumeDurable(nats, { stream, durable, filterSubject: subject, schema: Payload, logger }, async (payload) => {
      received.push({ n: payload.n, traceId: trace.getActiveSpan()?.spanContext().traceId });
    });
  });
  afterAll(async () => {
    await consumer?.stop();
    if (!created) return;
    await nats.jsm.streams.delete(stream);
    await expect(nats.jsm.streams.info(stream)).rejects.toThrow(/stream not found/i);
  });

  it('the consumer span shares the publisher trace and is the child of the publishing span', async () => {
    const { parent, result } = await inParentSpan('test publisher', () => publishDurable(nats, subject, Payload, { n: 7 }));
    const parentCtx = parent.spanContext();
    expect(result.duplicate).toBe(false);

    const consumed = await spanWhere('CONSUMER', (s) => s.kind === SpanKind.CONSUMER && s.name === `consume ${subject}`);
    expect(consumed.spanContext().traceId).toBe(parentCtx.traceId);
    expect(consumed.parentSpanContext?.spanId).toBe(parentCtx.spanId);
    expect(consumed.parentSpanContext?.isRemote).toBe(true);
    expect(received).toEqual([{ n: 7, traceId: parentCtx.traceId }]);
  });

  it('control: a message published without headers is consumed in a new trace', async () => {
    const { parent } = await inParentSpan('test publisher without headers', () => nats.js.publish(subject, JSON.stringify({ n: 8 })));
    const consumed = await spanWhere('CONSUMER', (s) => s.kind === SpanKind.CONSUMER && s.name === `consume ${subject}`);
    expect(consumed.spanContext().traceId).not.toBe(parent.spanContext().traceId);
    expect(consumed.parentSpanContext).toBeUndefined();
    expect(received.at(-1)).toEqual({ n: 8, traceId: consumed.spanContext().traceId });
  });
});
