import { describe, expect, it } from 'vitest';
import { ConfigError } from '@cipherlink/kit';
import { loadGatewayConfig } from './config';

describe('loadGatewayConfig', () => {
  it('applies defaults, with a random gateway id', () => {
    const a = loadGatewayConfig({});
    expect(a.PRESENCE_HEARTBEAT_MS).toBe(20_000);
    expect(a.WS_PING_MS).toBe(30_000);
    expect(a.WS_FRAMES_PER_MINUTE).toBe(100);
    expect(a.WS_FRAME_BURST).toBe(20);
    expect(a.WS_SESSION_RECHECK_MS).toBe(30_000);
    expect(a.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(a.GATEWAY_ID).toMatch(/^gw-[0-9a-f]{8}$/);
    expect(loadGatewayConfig({}).GATEWAY_ID).not.toBe(a.GATEWAY_ID);
  });
  it('parses values and origin lists', () => {
    const c = loadGatewayConfig({
      GATEWAY_ID: 'gw-1',
      WS_PING_MS: '500',
      WS_FRAMES_PER_MINUTE: '600',
      WS_FRAME_BURST: '50',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(c).toMatchObject({
      GATEWAY_ID: 'gw-1',
      WS_PING_MS: 500,
      WS_FRAMES_PER_MINUTE: 600,
      WS_FRAME_BURST: 50,
      ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'],
    });
  });
  it('names the bad variable', () => {
    expect(() => loadGatewayConfig({ GATEWAY_ID: 'has space' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ PRESENCE_HEARTBEAT_MS: 'soon' })).toThrow(/PRESENCE_HEARTBEAT_MS/);
    expect(() => loadGatewayConfig({ WS_FRAMES_PER_MINUTE: '0' })).toThrow(/WS_FRAMES_PER_MINUTE/);
    expect(() => loadGatewayConfig({ WS_FRAME_BURST: 'lots' })).toThrow(/WS_FRAME_BURST/);
  });
});
