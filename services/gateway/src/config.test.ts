import { describe, expect, it } from 'vitest';
import { ConfigError } from '@cipherlink/kit';
import { loadGatewayConfig } from './config';

describe('loadGatewayConfig', () => {
  it('applies defaults, with a random gateway id', () => {
    const a = loadGatewayConfig({});
    expect(a.PRESENCE_HEARTBEAT_MS).toBe(20_000);
    expect(a.WS_PING_MS).toBe(30_000);
    expect(a.GATEWAY_ID).toMatch(/^gw-[0-9a-f]{8}$/);
    expect(loadGatewayConfig({}).GATEWAY_ID).not.toBe(a.GATEWAY_ID);
  });
  it('parses values and origin lists', () => {
    const c = loadGatewayConfig({ GATEWAY_ID: 'gw-1', WS_PING_MS: '500', ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    expect(c).toMatchObject({ GATEWAY_ID: 'gw-1', WS_PING_MS: 500, ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'] });
  });
  it('names the bad variable', () => {
    expect(() => loadGatewayConfig({ GATEWAY_ID: 'has space' })).toThrow(ConfigError);
    expect(() => loadGatewayConfig({ PRESENCE_HEARTBEAT_MS: 'soon' })).toThrow(/PRESENCE_HEARTBEAT_MS/);
  });
});
