import { z } from 'zod';
import { loadConfig, processVars } from '@cipherlink/kit';

export const SERVICE_NAMES = ['auth', 'directory', 'message-store', 'presence', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const RunnerEnv = z.object({
  ...processVars,
  /** `all` (default) or a comma list of service names. */
  CL_SERVICES: z
    .string()
    .default('all')
    .transform((s, ctx) => {
      if (s.trim() === 'all') return [...SERVICE_NAMES];
      const names = s.split(',').map((n) => n.trim()).filter(Boolean);
      for (const n of names) if (!(SERVICE_NAMES as readonly string[]).includes(n)) ctx.addIssue({ code: 'custom', message: `unknown service "${n}"` });
      return names as ServiceName[];
    }),
  /** Directory of the built web app to serve at `/`; empty disables it. */
  WEB_DIST: z.string().default(''),
  /** Apply migrations at start (default true). */
  MIGRATE_ON_START: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});
export type RunnerConfig = z.output<typeof RunnerEnv>;

export const loadRunnerConfig = (env: Record<string, string | undefined>): RunnerConfig => loadConfig(RunnerEnv, env);
