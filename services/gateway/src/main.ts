import { runSingleService } from '@cipherlink/kit';
import { loadGatewayConfig } from './config';
import { createGatewayService } from './service';

// Per-service deploy of the gateway: scale it out by running more of these behind the load balancer.
await runSingleService('gateway', loadGatewayConfig(process.env), createGatewayService);
