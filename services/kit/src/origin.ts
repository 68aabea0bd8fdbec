/**
 * Browser Origin policy for cookie-bearing requests and WebSocket upgrades (defence against cross-site request
 * forgery and cross-site WebSocket hijacking). An Origin is accepted when it is in the allow-list (compared as
 * normalised origins: scheme, host and port, case-insensitive, default ports implied) or when it is the same origin
 * as the request itself (its host equals the Host header the browser sent, which a cross-site page cannot set).
 * A missing Origin means a non-browser client, which cannot carry a victim's cookies: it is accepted. The opaque
 * `null` origin and anything unparsable are refused.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowList: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalised = normaliseOrigin(origin);
  if (!normalised) return false;
  if (allowList.some((a) => normaliseOrigin(a) === normalised)) return true;
  if (host === undefined) return false;
  // Read the Host header with the Origin's scheme so default ports compare equal (`example.com:443` = `example.com`).
  return normaliseOrigin(`${new URL(normalised).protocol}//${host}`) === normalised;
}

function normaliseOrigin(value: string): string | undefined {
  if (!/^https?:\/\/[^/]+$/i.test(value.trim())) return undefined;
  try {
    return new URL(value.trim()).origin.toLowerCase();
  } catch {
    return undefined;
  }
}
