import { runSingleService } from '@cipherlink/kit';
import { loadPresenceConfig } from './config';
import { createPresenceService } from './service';

// Per-service deployment: presence alone (its HTTP port serves only health, readiness and metrics).
await runSingleService('presence', loadPresenceConfig(process.env), createPresenceService);
