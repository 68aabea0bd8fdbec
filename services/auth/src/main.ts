import { closeOnSignal, createLogger, initTelemetry, runServices } from '@cipherlink/kit';
import { loadAuthConfig } from './config';
import { createAuthService } from './service';

// Single-service entry point: config -> service -> listen -> close on signal.
const config = loadAuthConfig(process.env);
const logger = createLogger({ name: 'auth', level: config.LOG_LEVEL });
const telemetry = initTelemetry({ serviceName: 'auth', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const running = await runServices({ services: [createAuthService(config, { logger })], logger, host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ url: running.url }, 'auth is up');
closeOnSignal(running, logger, () => telemetry.shutdown());
