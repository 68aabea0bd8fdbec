import { runSingleService } from '@cipherlink/kit';
import { loadAuthConfig } from './config';
import { createAuthService } from './service';

// Single-service entry point: the auth service alone behind its own HTTP port.
await runSingleService('auth', loadAuthConfig(process.env), createAuthService);
