import { closeOnSignal, createLogger, initTelemetry, runServices } from '@cipherlink/kit';
import { loadDirectoryConfig } from './config';
import { createDirectoryService } from './service';

// Per-service deployment: the directory alone behind its own HTTP port.
const config = loadDirectoryConfig(process.env);
const logger = createLogger({ name: 'directory', level: config.LOG_LEVEL });
const telemetry = initTelemetry({ serviceName: 'directory', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const running = await runServices({
  services: [createDirectoryService(config, { logger })],
  logger,
  host: config.HTTP_HOST,
  port: config.HTTP_PORT,
});
logger.info({ url: running.url }, 'directory is up');
closeOnSignal(running, logger, () => telemetry.shutdown());
