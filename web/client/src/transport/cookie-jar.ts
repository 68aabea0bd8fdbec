interface StoredCookie {
  value: string;
  path: string;
  /** Epoch ms; undefined for a session cookie. */
  expiresAt: number | undefined;
}

/**
 * A minimal in-memory cookie jar for one origin, for Node (whose fetch has no cookie store) so the httpOnly
 * refresh cookie works in bots and tests as it does in a browser. Honors Path, Max-Age and Expires; ignores
 * Domain (one jar per base URL). Never used in the browser, where the cookie stays out of script's reach.
 */
export class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Store the cookies of one response's Set-Cookie headers for a request to `requestPath`. */
  store(setCookieHeaders: readonly string[], requestPath: string): void {
    for (const header of setCookieHeaders) {
      const [pair = '', ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = defaultPath(requestPath);
      let expiresAt: number | undefined;
      let maxAgeSeen = false;
      for (const attr of attrs) {
        const i = attr.indexOf('=');
        const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
        const val = i < 0 ? '' : attr.slice(i + 1).trim();
        if (key === 'path' && val.startsWith('/')) path = val;
        else if (key === 'max-age' && /^-?\d+$/.test(val)) {
          maxAgeSeen = true;
          expiresAt = this.now() + Number(val) * 1000;
        } else if (key === 'expires' && !maxAgeSeen) {
          const t = Date.parse(val);
          if (!Number.isNaN(t)) expiresAt = t;
        }
      }
      const id = `${name};${path}`;
      if (expiresAt !== undefined && expiresAt <= this.now()) this.cookies.delete(id);
      else this.cookies.set(id, { value, path, expiresAt });
    }
  }

  /** The Cookie header value for a request to `requestPath`, or undefined when no cookie applies. */
  header(requestPath: string): string | undefined {
    const parts: string[] = [];
    for (const [id, c] of this.cookies) {
      if (c.expiresAt !== undefined && c.expiresAt <= this.now()) {
        this.cookies.delete(id);
        continue;
      }
      if (pathMatches(requestPath, c.path)) parts.push(`${id.slice(0, id.indexOf(';'))}=${c.value}`);
    }
    return parts.length ? parts.join('; ') : undefined;
  }

  clear(): void {
    this.cookies.clear();
  }
}

/** RFC 6265 section 5.1.4 default-path. */
function defaultPath(requestPath: string): string {
  const p = requestPath.split('?')[0] ?? '/';
  const last = p.lastIndexOf('/');
  return last <= 0 ? '/' : p.slice(0, last);
}

/** RFC 6265 section 5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  const p = requestPath.split('?')[0] ?? '/';
  if (p === cookiePath) return true;
  if (!p.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || p[cookiePath.length] === '/';
}
