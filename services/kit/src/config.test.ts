import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envVars, loadConfig } from './config';

const Schema = z.object({ HTTP_PORT: envVars.HTTP_PORT, NATS_URL: envVars.NATS_URL, ALLOWED_ORIGINS: envVars.ALLOWED_ORIGINS });

describe('loadConfig', () => {
  it('applies defaults that point at this machine', () => {
    expect(loadConfig(Schema, {})).toEqual({
      HTTP_PORT: 8080,
      NATS_URL: 'nats://127.0.0.1:4222',
      ALLOWED_ORIGINS: ['http://localhost:8080', 'http://127.0.0.1:8080'],
    });
  });
  it('names the bad variable', () => {
    expect(() => loadConfig(Schema, { HTTP_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig(Schema, { HTTP_PORT: '70000' })).toThrow(/HTTP_PORT/);
  });
  it('splits lists', () => {
    expect(loadConfig(Schema, { ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).ALLOWED_ORIGINS).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });
});
