import { REFRESH_COOKIE_PATH } from '@cipherlink/proto';

export type CookieSecureSetting = 'auto' | 'true' | 'false';

/** Attributes of the refresh-token cookie (shape of @fastify/cookie's serialize options). */
export interface RefreshCookieAttributes {
  httpOnly: true;
  sameSite: 'strict';
  path: typeof REFRESH_COOKIE_PATH;
  secure: boolean;
  maxAge?: number;
}

/**
 * The refresh cookie is invisible to scripts (httpOnly), never sent cross-site (SameSite=Strict) and only sent to
 * the auth endpoints (Path=/api/auth). `auto` marks it Secure when the request arrived over https, so local http
 * development works while production (https, or TRUST_PROXY behind TLS) gets Secure cookies.
 */
export function refreshCookieAttributes(opts: {
  secure: CookieSecureSetting;
  requestProtocol: string;
  /** Omit to build the attributes that clear the cookie. */
  maxAgeSeconds?: number;
}): RefreshCookieAttributes {
  const secure = opts.secure === 'auto' ? opts.requestProtocol === 'https' : opts.secure === 'true';
  return {
    httpOnly: true,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    secure,
    ...(opts.maxAgeSeconds === undefined ? {} : { maxAge: opts.maxAgeSeconds }),
  };
}
