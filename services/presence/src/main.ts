import { closeOnSignal, createLogger, initTelemetry, runServices } from '@cipherlink/kit';
import { loadPresenceConfig } from './config';
import { createPresenceService } from './service';

// Per-service deployment: presence alone (its HTTP port serves only health, readiness and metrics).
const config = loadPresenceConfig(process.env);
const logger = createLogger({ name: 'presence', level: config.LOG_LEVEL });
const telemetry = initTelemetry({ serviceName: 'presence', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const running = await runServices({
  services: [createPresenceService(config, { logger })],
  logger,
  host: config.HTTP_HOST,
  port: config.HTTP_PORT,
  migrate: false,
});
logger.info({ url: running.url }, 'presence is up');
closeOnSignal(running, logger, () => telemetry.shutdown());
