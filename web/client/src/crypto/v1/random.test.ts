import { afterEach, describe, expect, it } from 'vitest';
import { generateIv } from './aead';
import { TestOnlyError } from './errors';
import { isTestEnvironment, queuedTestBytes, randomBytes, setTestRandomSource } from './random';

const g = globalThis as { __CIPHERLINK_TEST_VECTORS__?: unknown };
const savedNodeEnv = process.env.NODE_ENV;

afterEach(() => {
  setTestRandomSource(null);
  if (savedNodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = savedNodeEnv;
  delete g.__CIPHERLINK_TEST_VECTORS__;
});

describe('randomBytes', () => {
  it('returns the requested number of bytes, also beyond one getRandomValues call', () => {
    expect(randomBytes(0)).toHaveLength(0);
    expect(randomBytes(12)).toHaveLength(12);
    const big = randomBytes(70_000);
    expect(big).toHaveLength(70_000);
    // The tail past the first 65,536 bytes was filled too (all zero would be a 2^-27,000 event).
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });

  it('two draws differ', () => {
    expect(Buffer.from(randomBytes(32)).equals(Buffer.from(randomBytes(32)))).toBe(false);
  });
});

describe('the test-only deterministic switch', () => {
  it('vitest runs with NODE_ENV=test, so the switch works here and fixes IVs', () => {
    expect(process.env.NODE_ENV).toBe('test');
    const iv = Uint8Array.from({ length: 12 }, (_, i) => i);
    setTestRandomSource(queuedTestBytes(iv, iv));
    expect(generateIv()).toEqual(iv);
    expect(generateIv()).toEqual(iv);
    expect(() => generateIv()).toThrow(TestOnlyError);
  });

  it('throws outside a test run and leaves the CSPRNG in place', () => {
    process.env.NODE_ENV = 'production';
    expect(isTestEnvironment()).toBe(false);
    expect(() => setTestRandomSource(() => new Uint8Array(12))).toThrow(TestOnlyError);
    delete process.env.NODE_ENV;
    expect(() => setTestRandomSource(() => new Uint8Array(12))).toThrow(TestOnlyError);
    expect(randomBytes(12).some((b) => b !== 0) || randomBytes(12).some((b) => b !== 0)).toBe(true);
  });

  it('globalThis.__CIPHERLINK_TEST_VECTORS__ === true enables it (browser test pages); other values do not', () => {
    process.env.NODE_ENV = 'production';
    g.__CIPHERLINK_TEST_VECTORS__ = 'true';
    expect(() => setTestRandomSource(() => new Uint8Array(1))).toThrow(TestOnlyError);
    g.__CIPHERLINK_TEST_VECTORS__ = true;
    setTestRandomSource(() => Uint8Array.of(7));
    expect(randomBytes(1)).toEqual(Uint8Array.of(7));
  });

  it('a source that returns the wrong length is an error, not silently used', () => {
    setTestRandomSource(() => new Uint8Array(3));
    expect(() => randomBytes(4)).toThrow(TestOnlyError);
    setTestRandomSource(queuedTestBytes(new Uint8Array(4)));
    expect(() => randomBytes(5)).toThrow(TestOnlyError);
  });

  it('null restores the CSPRNG, even outside tests', () => {
    setTestRandomSource(() => new Uint8Array(16));
    process.env.NODE_ENV = 'production';
    setTestRandomSource(null);
    expect(randomBytes(16).some((b) => b !== 0) || randomBytes(16).some((b) => b !== 0)).toBe(true);
  });
});
