import { describe, expect, it } from 'vitest';
import { connectionExpiryMs, lastSeenMs, presenceStateOf, transitionOf } from './presence-rules';

const NOW = 1_700_000_000_000;
const TTL = 60_000;

describe('transitionOf', () => {
  it('announces online when the first live connection appears', () => {
    expect(transitionOf('heartbeat', { wasOnline: false, liveConnections: 1, lastExpiredMs: null }, NOW, TTL)).toEqual({
      online: true,
      atMs: NOW,
    });
  });

  it('stays quiet for a second connection or a heartbeat that extends one', () => {
    expect(transitionOf('heartbeat', { wasOnline: true, liveConnections: 2, lastExpiredMs: null }, NOW, TTL)).toBeNull();
    expect(transitionOf('heartbeat', { wasOnline: true, liveConnections: 1, lastExpiredMs: null }, NOW, TTL)).toBeNull();
  });

  it('stays quiet when one of several connections disconnects', () => {
    expect(transitionOf('disconnect', { wasOnline: true, liveConnections: 1, lastExpiredMs: null }, NOW, TTL)).toBeNull();
  });

  it('announces offline at disconnect time when the last connection closes', () => {
    expect(transitionOf('disconnect', { wasOnline: true, liveConnections: 0, lastExpiredMs: null }, NOW, TTL)).toEqual({
      online: false,
      atMs: NOW,
    });
  });

  it('announces offline at the last heartbeat when a sweep finds every connection expired', () => {
    const lastHeartbeat = NOW - 70_000;
    const facts = { wasOnline: true, liveConnections: 0, lastExpiredMs: connectionExpiryMs(lastHeartbeat, TTL) };
    expect(transitionOf('sweep', facts, NOW, TTL)).toEqual({ online: false, atMs: lastHeartbeat });
  });

  it('does not announce offline twice (the flag was already cleared by another instance)', () => {
    expect(transitionOf('sweep', { wasOnline: false, liveConnections: 0, lastExpiredMs: NOW - 1 }, NOW, TTL)).toBeNull();
    expect(transitionOf('disconnect', { wasOnline: false, liveConnections: 0, lastExpiredMs: null }, NOW, TTL)).toBeNull();
  });
});

describe('lastSeenMs', () => {
  it('is now for a disconnect, even if stale entries were pruned', () => {
    expect(lastSeenMs('disconnect', { lastExpiredMs: NOW - 5_000 }, NOW, TTL)).toBe(NOW);
  });

  it('is now for a sweep that found no expiry to go by', () => {
    expect(lastSeenMs('sweep', { lastExpiredMs: null }, NOW, TTL)).toBe(NOW);
  });

  it('never lies in the future', () => {
    expect(lastSeenMs('sweep', { lastExpiredMs: NOW + 10 * TTL }, NOW, TTL)).toBe(NOW);
  });
});

describe('presenceStateOf', () => {
  const userId = '0190f5c2-0000-7000-8000-000000000001';

  it('reports an online user as seen now', () => {
    expect(presenceStateOf({ userId, online: true, lastSeenAt: '2020-01-01T00:00:00.000Z' }, NOW)).toEqual({
      userId,
      online: true,
      lastSeenAt: new Date(NOW).toISOString(),
    });
  });

  it('reports an offline user with the stored last-seen time, or null if never seen', () => {
    expect(presenceStateOf({ userId, online: false, lastSeenAt: '2020-01-01T00:00:00.000Z' }, NOW).lastSeenAt).toBe(
      '2020-01-01T00:00:00.000Z',
    );
    expect(presenceStateOf({ userId, online: false, lastSeenAt: null }, NOW).lastSeenAt).toBeNull();
  });
});
