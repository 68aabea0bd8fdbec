import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';

const GatewayEnv = z.object({
  ...processVars,
  NATS_URL: envVars.NATS_URL,
  /** The access-token deny-list (ended sessions) lives here; socket auth fails closed when it cannot be read. */
  REDIS_URL: envVars.REDIS_URL,
  ALLOWED_ORIGINS: envVars.ALLOWED_ORIGINS,
  /** Names this gateway instance in connection ids (so presence can tell instances apart). Random by default. */
  GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'GATEWAY_ID must be 1-64 characters of [A-Za-z0-9_-]')
    .default(() => `gw-${randomUUID().slice(0, 8)}`),
  /** How often each connection renews its presence entry (the presence TTL must exceed it). */
  PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(100).default(20_000),
  /** Server-side WebSocket ping interval; a peer that misses one ping is terminated. */
  WS_PING_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * How often an open socket's session is looked up in the deny-list again, in case this gateway missed the
   * revocation event (core NATS delivers at most once). The event itself closes sockets within a second.
   */
  WS_SESSION_RECHECK_MS: z.coerce.number().int().min(100).default(30_000),
  /** Frames a connection may send per minute on average (every frame counts: auth, pings, pongs). */
  WS_FRAMES_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  /** Frames a connection may send at once before the per-minute rate applies (the token bucket's size). */
  WS_FRAME_BURST: z.coerce.number().int().min(1).default(20),
});

export type GatewayConfig = z.output<typeof GatewayEnv>;

/** Read and validate the gateway's environment; a bad value throws a ConfigError naming the variable. */
export const loadGatewayConfig = (env: Record<string, string | undefined>): GatewayConfig => loadConfig(GatewayEnv, env);
