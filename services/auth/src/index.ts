export { createAuthService, type AuthServiceDeps } from './service';
export { loadAuthConfig, type AuthConfig } from './config';
export { hashPassword, verifyPassword } from './password-hasher';
