import { closeOnSignal, createLogger, initTelemetry, runServices } from '@cipherlink/kit';
import { loadGatewayConfig } from './config';
import { createGatewayService } from './service';

// Per-service deploy of the gateway: scale it out by running more of these behind the load balancer.
const config = loadGatewayConfig(process.env);
const logger = createLogger({ name: 'gateway', level: config.LOG_LEVEL });
const telemetry = initTelemetry({ serviceName: 'gateway', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
const running = await runServices({ services: [createGatewayService(config, { logger })], logger, host: config.HTTP_HOST, port: config.HTTP_PORT });
logger.info({ url: running.url }, 'gateway listening');
closeOnSignal(running, logger, () => telemetry.shutdown());
