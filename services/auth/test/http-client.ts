import { REFRESH_COOKIE } from '@cipherlink/proto';

export interface HttpResult {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  setCookies: string[];
}

/** Plain fetch wrapper for the auth tests: cookies are passed explicitly so tests can replay old ones. */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  opts: { json?: unknown; raw?: string; contentType?: string; refreshToken?: string; bearer?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.json !== undefined || opts.raw !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.refreshToken !== undefined) headers.cookie = `${REFRESH_COOKIE}=${opts.refreshToken}`;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : opts.raw !== undefined ? { body: opts.raw } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, headers: res.headers, body, setCookies: res.headers.getSetCookie() };
}

/** The refresh cookie set by a response: its value and its attributes (lowercased names). */
export function refreshCookieOf(res: HttpResult): { value: string; attributes: Map<string, string> } | undefined {
  const raw = res.setCookies.find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
  if (!raw) return undefined;
  const [pair, ...attrs] = raw.split(';').map((s) => s.trim());
  const attributes = new Map(attrs.map((a) => {
    const [k, ...v] = a.split('=');
    return [k!.toLowerCase(), v.join('=')] as [string, string];
  }));
  return { value: pair!.slice(REFRESH_COOKIE.length + 1), attributes };
}

export const uniqueName = (prefix = 'u') => `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
