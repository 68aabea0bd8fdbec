import { existsSync } from 'node:fs';
import { createLogger, initTelemetry, runServices, type Logger, type RunningServices } from '@cipherlink/kit';
import { loadRunnerConfig, type ServiceName } from './config';
import { serviceFactories } from './registry';
import { serveWebApp } from './web';

export interface Stack extends RunningServices {
  services: ServiceName[];
  logger: Logger;
}

/**
 * Build and start the selected services behind one HTTP server. Used by `main.ts`, by the integration tests
 * (with `HTTP_PORT=0`) and by the benchmarks: the same code path everywhere.
 */
export async function startStack(env: Record<string, string | undefined>, opts: { logger?: Logger } = {}): Promise<Stack> {
  const config = loadRunnerConfig(env);
  const logger = opts.logger ?? createLogger({ name: 'cipherlink', level: config.LOG_LEVEL });
  const telemetry = initTelemetry({ serviceName: config.CL_SERVICES.length === 1 ? config.CL_SERVICES[0]! : 'cipherlink', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const services = config.CL_SERVICES.map((name) => serviceFactories[name](env, logger));
  const running = await runServices({
    services,
    logger,
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    migrate: config.MIGRATE_ON_START,
    trustProxy: config.TRUST_PROXY,
    extend: async (app) => {
      if (config.WEB_DIST && existsSync(config.WEB_DIST)) await serveWebApp(app, config.WEB_DIST);
    },
  });
  return {
    ...running,
    services: config.CL_SERVICES,
    logger,
    async close() {
      await running.close();
      await telemetry.shutdown();
    },
  };
}
