export { createGatewayService } from './service';
export { loadGatewayConfig, type GatewayConfig } from './config';
