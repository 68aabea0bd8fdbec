import { describe, expect, it } from 'vitest';
import { ipRateLimitKey, truncateIp } from './ip-location';

describe('truncateIp', () => {
  it('keeps the /24 of an IPv4 address', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateIp('10.1.2.3')).toBe('10.1.2.0/24');
    expect(truncateIp('127.0.0.1')).toBe('127.0.0.0/24');
  });

  it('treats IPv4-mapped IPv6 addresses as IPv4, in dotted and in hex form', () => {
    expect(truncateIp('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateIp('::FFFF:198.51.100.9')).toBe('198.51.100.0/24');
    expect(truncateIp('::ffff:cb00:714d')).toBe('203.0.113.0/24');
    expect(truncateIp('0:0:0:0:0:ffff:203.0.113.77')).toBe('203.0.113.0/24');
  });

  it('keeps the /48 of an IPv6 address, compressed', () => {
    expect(truncateIp('2001:db8:1234:5678:9abc:def0:1234:5678')).toBe('2001:db8:1234::/48');
    expect(truncateIp('2001:0DB8:0001:ffff::1')).toBe('2001:db8:1::/48');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8::/48');
    expect(truncateIp('::1')).toBe('::/48');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80::/48');
    expect(truncateIp('[2001:db8:aa:bb::1]')).toBe('2001:db8:aa::/48');
    // An IPv4-compatible (not mapped) address is IPv6.
    expect(truncateIp('64:ff9b::203.0.113.7')).toBe('64:ff9b::/48');
  });

  it('never returns the full address', () => {
    for (const ip of ['203.0.113.77', '2001:db8:1234:5678:9abc:def0:1234:5678', '::ffff:203.0.113.77']) {
      expect(truncateIp(ip)).not.toContain(ip.split(/[.:]/).at(-1));
    }
  });

  it('answers "unknown" for a missing or malformed address', () => {
    for (const bad of [undefined, null, '', 'localhost', '999.1.1.1', '1.2.3', '2001:db8::1::2', '12345::', 'not an ip']) {
      expect(truncateIp(bad)).toBe('unknown');
    }
  });
});

describe('ipRateLimitKey', () => {
  it('counts IPv4 by address and IPv6 by /64', () => {
    expect(ipRateLimitKey('203.0.113.77')).toBe('203.0.113.77');
    expect(ipRateLimitKey('::ffff:203.0.113.77')).toBe('203.0.113.77');
    expect(ipRateLimitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipRateLimitKey('2001:db8:1:2:bbbb::9')).toBe(ipRateLimitKey('2001:db8:1:2:aaaa::1'));
    expect(ipRateLimitKey('2001:db8:1:3::1')).not.toBe(ipRateLimitKey('2001:db8:1:2::1'));
  });
});
