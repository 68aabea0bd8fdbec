import { z } from 'zod';

/** Raised at start when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validate environment variables against a zod object schema whose keys are the variable names.
 * A missing or malformed variable stops the process with a message naming it.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Shared variable definitions; each service's config.ts picks the ones it needs. Defaults suit this machine. */
export const envVars = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/cipherlink'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /**
   * `true` behind a reverse proxy (nginx): the client address comes from X-Forwarded-For, so per-IP rate limits and
   * session locations see the client, not the proxy. Never set it when clients reach the service directly.
   */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Shared per-user budget of authenticated API requests (all services and instances together), per minute. */
  RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Comma-separated list of allowed browser origins (WebSocket Origin check, refresh/logout Origin check). */
  ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:8080,http://127.0.0.1:8080')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
} as const;

/**
 * The variables every service process reads, whatever it does: environment, log level, its own HTTP listener (used
 * when the service runs alone; the runner owns the server otherwise) and trace export. Spread into each config.
 */
export const processVars = {
  NODE_ENV: envVars.NODE_ENV,
  LOG_LEVEL: envVars.LOG_LEVEL,
  HTTP_HOST: envVars.HTTP_HOST,
  HTTP_PORT: envVars.HTTP_PORT,
  OTEL_EXPORTER_OTLP_ENDPOINT: envVars.OTEL_EXPORTER_OTLP_ENDPOINT,
  TRUST_PROXY: envVars.TRUST_PROXY,
} as const;
