import client from 'prom-client';
import { metricsRegistry } from '@cipherlink/kit';

// Created once per process on kit's registry; several gateway instances in one process share them.
function once<T extends client.Metric>(name: string, make: () => T): T {
  return (metricsRegistry.getSingleMetric(name) as T | undefined) ?? make();
}

/** Open WebSocket connections (authenticated or not). */
export const openSockets = once(
  'gateway_ws_open_sockets',
  () => new client.Gauge({ name: 'gateway_ws_open_sockets', help: 'Open WebSocket connections', registers: [metricsRegistry] }),
);

/** Frames by direction (`in`/`out`) and type (`invalid` for frames that failed to parse). */
export const framesTotal = once(
  'gateway_ws_frames_total',
  () =>
    new client.Counter({
      name: 'gateway_ws_frames_total',
      help: 'WebSocket frames by direction and type',
      labelNames: ['direction', 'type'] as const,
      registers: [metricsRegistry],
    }),
);

/** Error frames sent, by error code. */
export const errorsTotal = once(
  'gateway_ws_errors_total',
  () =>
    new client.Counter({
      name: 'gateway_ws_errors_total',
      help: 'Error frames sent to clients, by code',
      labelNames: ['code'] as const,
      registers: [metricsRegistry],
    }),
);

/** NATS subscriptions held for routing (conversations and watched users). */
export const routingSubscriptions = once(
  'gateway_routing_subscriptions',
  () =>
    new client.Gauge({
      name: 'gateway_routing_subscriptions',
      help: 'NATS subscriptions held by the gateway for routing, by kind',
      labelNames: ['kind'] as const,
      registers: [metricsRegistry],
    }),
);
