import { isIPv4, isIPv6 } from 'node:net';

/** Shown when the address is missing or not an IP address. */
export const UNKNOWN_LOCATION = 'unknown';

/**
 * The approximate network location shown in the session list and stored instead of the address: an IPv4 address
 * truncated to its /24, an IPv6 address to its /48 (a site), e.g. "203.0.113.0/24", "2001:db8:1234::/48".
 * IPv4-mapped IPv6 addresses (`::ffff:203.0.113.7`, how a dual-stack socket reports IPv4 clients) count as IPv4.
 */
export function truncateIp(ip: string | null | undefined): string {
  const parsed = parseIp(ip);
  if (!parsed) return UNKNOWN_LOCATION;
  if (parsed.kind === 4) return `${parsed.bytes.slice(0, 3).join('.')}.0/24`;
  return `${formatIpv6Prefix(parsed.bytes, 3)}/48`;
}

/**
 * The key a per-IP rate limit counts under: an IPv4 address as it is, an IPv6 address by its /64 (one subscriber
 * usually holds a whole /64, so counting single addresses would hand an attacker 2^64 budgets).
 */
export function ipRateLimitKey(ip: string | null | undefined): string {
  const parsed = parseIp(ip);
  if (!parsed) return UNKNOWN_LOCATION;
  if (parsed.kind === 4) return parsed.bytes.join('.');
  return `${formatIpv6Prefix(parsed.bytes, 4)}/64`;
}

type ParsedIp = { kind: 4; bytes: number[] } | { kind: 6; bytes: number[] };

function parseIp(raw: string | null | undefined): ParsedIp | undefined {
  if (!raw) return undefined;
  // "[2001:db8::1]" as some proxies write it; a zone id ("fe80::1%eth0") says nothing about the network.
  const ip = raw.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(ip)) return { kind: 4, bytes: ip.split('.').map(Number) };
  if (!isIPv6(ip)) return undefined;
  const bytes = ipv6Bytes(ip);
  if (!bytes) return undefined;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? { kind: 4, bytes: bytes.slice(12) } : { kind: 6, bytes };
}

/** The 16 bytes of a valid IPv6 address (`::` shorthand and a trailing dotted quad included). */
function ipv6Bytes(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  // A trailing dotted quad ("::ffff:203.0.113.7") stands for the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string | undefined) => (s ? s.split(':') : []);
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
    const v = Number.parseInt(g, 16);
    bytes.push(v >> 8, v & 0xff);
  }
  return bytes;
}

/** The first `groups` 16-bit groups of an IPv6 address in compressed form ("2001:db8:1234::"). */
function formatIpv6Prefix(bytes: number[], groups: number): string {
  const hex: string[] = [];
  for (let i = 0; i < groups; i++) hex.push(((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  // Drop trailing zero groups: they are covered by the "::".
  while (hex.length > 0 && hex[hex.length - 1] === '0') hex.pop();
  return hex.length === 0 ? '::' : `${hex.join(':')}::`;
}
