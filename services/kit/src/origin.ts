/**
 * Browser Origin policy for cookie-bearing and WebSocket requests (defence against cross-site request forgery and
 * cross-site WebSocket hijacking): an Origin is accepted when it is in the configured allow-list or when it is the
 * same origin as the request itself (its host equals the Host header the browser sent). A missing Origin means a
 * non-browser client, which cannot carry a victim's cookies, so callers decide whether to accept it.
 */
export function isOriginAllowed(origin: string, host: string | undefined, allowList: readonly string[]): boolean {
  if (allowList.includes(origin)) return true;
  if (!host) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}
