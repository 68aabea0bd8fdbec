/**
 * CSRF defence in depth for cookie-authenticated endpoints (refresh, logout), on top of SameSite=Strict: a request
 * that carries an Origin header must come from one of our origins. Requests without Origin (same-origin GETs, curl,
 * non-browser clients) pass; browsers always send Origin on cross-origin POSTs.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalized = origin.trim().toLowerCase().replace(/\/$/, '');
  return allowed.some((a) => a.trim().toLowerCase().replace(/\/$/, '') === normalized);
}
