import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';

const GatewayEnv = z.object({
  ...processVars,
  NATS_URL: envVars.NATS_URL,
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
});

export type GatewayConfig = z.output<typeof GatewayEnv>;

/** Read and validate the gateway's environment; a bad value throws a ConfigError naming the variable. */
export const loadGatewayConfig = (env: Record<string, string | undefined>): GatewayConfig => loadConfig(GatewayEnv, env);
