import type { Server } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createHttpApp, type ReadinessCheck } from './http';
import { createLogger, type Logger } from './logger';
import { initTelemetry } from './telemetry';

/**
 * What every service module exposes to a composition root (its own main.ts, or the all-in-one runner).
 * A service never listens by itself: the root owns the HTTP server.
 */
export interface Service {
  readonly name: string;
  /** Apply this service's database migrations (idempotent). */
  migrate?(): Promise<void>;
  /** Connect to dependencies, create streams and consumers. */
  start(): Promise<void>;
  /** Routes, registered on the shared app with full paths (`/api/<service>/...`). */
  routes?: FastifyPluginAsync;
  /** Called once the HTTP server exists (the gateway attaches its WebSocket upgrade here). */
  attachServer?(server: Server): void;
  readiness(): ReadinessCheck[];
  /** Stop consuming, drain, close connections. */
  stop(): Promise<void>;
}

export interface RunningServices {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/**
 * Start `services` behind one HTTP server: migrate, start, register routes, listen. The same code path serves
 * one service (per-service deploy) or all of them (all-in-one).
 */
export async function runServices(opts: {
  services: Service[];
  logger: Logger;
  host: string;
  port: number;
  migrate?: boolean;
  trustProxy?: boolean;
  /** Extra routes (the runner serves the built web app here). */
  extend?: (app: FastifyInstance) => Promise<void>;
}): Promise<RunningServices> {
  const started: Service[] = [];
  try {
    if (opts.migrate !== false) for (const s of opts.services) await s.migrate?.();
    for (const s of opts.services) {
      await s.start();
      started.push(s);
    }
    const app = createHttpApp({
      logger: opts.logger,
      readiness: opts.services.flatMap((s) => s.readiness().map((c) => ({ ...c, name: `${s.name}:${c.name}` }))),
      ...(opts.trustProxy === undefined ? {} : { trustProxy: opts.trustProxy }),
    });
    for (const s of opts.services) if (s.routes) await app.register(s.routes);
    if (opts.extend) await opts.extend(app);
    await app.ready();
    for (const s of opts.services) s.attachServer?.(app.server);
    const address = await app.listen({ host: opts.host, port: opts.port });
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    return {
      app,
      url,
      async close() {
        await app.close();
        for (const s of [...started].reverse()) await s.stop().catch((err: unknown) => opts.logger.error({ err, service: s.name }, 'stop failed'));
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}

/** Close `target` on SIGINT/SIGTERM (once), then exit. A second signal exits at once. */
export function closeOnSignal(target: { close(): Promise<void> }, logger: Logger, extra: () => Promise<void> = async () => undefined): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), 15_000).unref();
    target
      .close()
      .then(extra)
      .then(() => {
        clearTimeout(timer);
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** The variables every single-service entry point needs (each service's config has them). */
export interface EntryPointConfig {
  LOG_LEVEL: string;
  HTTP_HOST: string;
  HTTP_PORT: number;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  TRUST_PROXY: boolean;
}

/**
 * A service's own `main.ts` in one call: logger, telemetry, `runServices` with just this service, close on signal.
 * The runner's all-in-one mode goes through the same `runServices`.
 */
export async function runSingleService<C extends EntryPointConfig>(
  name: string,
  config: C,
  create: (config: C, deps: { logger: Logger }) => Service,
): Promise<void> {
  const logger = createLogger({ name, level: config.LOG_LEVEL });
  const telemetry = initTelemetry({ serviceName: name, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const running = await runServices({ services: [create(config, { logger })], logger, host: config.HTTP_HOST, port: config.HTTP_PORT, trustProxy: config.TRUST_PROXY });
  logger.info({ url: running.url }, `${name} is up`);
  closeOnSignal(running, logger, () => telemetry.shutdown());
}
