/**
 * Decide whether a WebSocket upgrade's Origin may connect. Browsers always send Origin, so a present Origin must be
 * one of ours (this stops cross-site WebSocket hijacking); a missing Origin means a non-browser client (SDK in Node,
 * benchmarks), which cannot be driven by a hostile page and still has to authenticate with a token.
 */
export function isOriginAllowed(origin: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false;
  return allowedOrigins.some((allowed) => normalizeOrigin(allowed) === normalized);
}

/** Canonical `scheme://host[:port]` (lowercase, default port dropped), or undefined for `null` and garbage. */
function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
