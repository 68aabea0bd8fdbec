import type { FastifyReply, FastifyRequest } from '@cipherlink/kit';
import { REFRESH_COOKIE } from '@cipherlink/proto';
import { refreshCookieAttributes } from '../domain/refresh-cookie-policy';
import type { AuthConfig } from '../config';

/** Set the refresh-token cookie on `reply`; it expires with the session (absolute lifetime, not sliding). */
export function setRefreshCookie(req: FastifyRequest, reply: FastifyReply, config: AuthConfig, token: string, expiresAt: Date, now: Date): void {
  const attrs = refreshCookieAttributes({
    secure: config.COOKIE_SECURE,
    requestProtocol: req.protocol,
    maxAgeSeconds: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
  });
  void reply.setCookie(REFRESH_COOKIE, token, attrs);
}

/** Tell the browser to drop the refresh-token cookie (same name, path and attributes, expired). */
export function clearRefreshCookie(req: FastifyRequest, reply: FastifyReply, config: AuthConfig): void {
  void reply.clearCookie(REFRESH_COOKIE, refreshCookieAttributes({ secure: config.COOKIE_SECURE, requestProtocol: req.protocol }));
}

/** The refresh token the browser sent, if any. */
export function refreshCookieOf(req: FastifyRequest): string | undefined {
  return req.cookies[REFRESH_COOKIE];
}
