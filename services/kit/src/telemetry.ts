import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

export { SpanKind };

let provider: NodeTracerProvider | undefined;

/**
 * Set up tracing once per process. W3C `traceparent` propagation is always on (so a trace crosses HTTP and NATS);
 * spans are exported only when an OTLP endpoint is configured.
 */
export function initTelemetry(opts: { serviceName: string; otlpEndpoint?: string | undefined }): { shutdown(): Promise<void> } {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (opts.otlpEndpoint && !provider) {
    provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': opts.serviceName }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))],
    });
    provider.register();
  }
  return {
    async shutdown() {
      await provider?.shutdown();
      provider = undefined;
    },
  };
}

export const tracer = () => trace.getTracer('cipherlink');

/** Carrier-agnostic helpers: inject the active context into / extract it from a string map. */
export function injectTraceContext(carrier: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, carrier);
  return carrier;
}
export function extractTraceContext(get: (key: string) => string | undefined): Context {
  return propagation.extract(context.active(), {}, {
    keys: () => ['traceparent', 'tracestate'],
    get: (_c, key) => get(key),
  });
}

/** Run `fn` inside a span (child of `parent` or the active context), recording failures. */
export async function withSpan<T>(
  name: string,
  opts: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number | boolean> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = opts.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {} }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}
