export { createPresenceService, type PresenceDeps } from './service';
export { loadPresenceConfig, type PresenceConfig } from './config';
