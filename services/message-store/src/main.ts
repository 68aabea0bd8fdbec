import { closeOnSignal, createLogger, initTelemetry, runServices } from '@cipherlink/kit';
import { loadMessageStoreConfig } from './config';
import { createMessageStoreService } from './service';

// Per-service deploy: the same Service the all-in-one runner uses, behind its own HTTP server.
const config = loadMessageStoreConfig(process.env);
const logger = createLogger({ name: 'message-store', level: config.LOG_LEVEL });
const telemetry = initTelemetry({ serviceName: 'message-store', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const running = await runServices({ services: [createMessageStoreService(config, { logger })], logger, host: config.HTTP_HOST, port: config.HTTP_PORT });
closeOnSignal(running, logger, () => telemetry.shutdown());
