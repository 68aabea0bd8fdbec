import { z } from 'zod';
import { envVars, loadConfig } from '@cipherlink/kit';

const DirectoryEnv = z.object({
  NODE_ENV: envVars.NODE_ENV,
  LOG_LEVEL: envVars.LOG_LEVEL,
  DATABASE_URL: envVars.DATABASE_URL,
  NATS_URL: envVars.NATS_URL,
  // Used only by main.ts when the directory runs alone; the runner owns the server otherwise.
  HTTP_HOST: envVars.HTTP_HOST,
  HTTP_PORT: envVars.HTTP_PORT,
  OTEL_EXPORTER_OTLP_ENDPOINT: envVars.OTEL_EXPORTER_OTLP_ENDPOINT,
});

/** The directory service's validated configuration. */
export type DirectoryConfig = z.output<typeof DirectoryEnv>;

/** Read and validate the directory's variables; a bad value throws a ConfigError naming it. */
export const loadDirectoryConfig = (env: Record<string, string | undefined>): DirectoryConfig => loadConfig(DirectoryEnv, env);
