/**
 * The one source of random bytes for v1 (IVs, chain seeds, key generation), with a test-only switch that makes it
 * deterministic so protocol test vectors can fix their IVs and keys.
 *
 * The switch refuses to turn on unless `process.env.NODE_ENV === 'test'` (vitest sets it) or
 * `globalThis.__CIPHERLINK_TEST_VECTORS__ === true` (for a browser test page). In a production bundle neither
 * holds, so no code path can make real traffic predictable.
 */
import { TestOnlyError } from './errors';
import { assertIntegerInRange, type Bytes } from './webcrypto';

/** Returns exactly `byteLength` bytes. Only ever installed by tests. */
export type TestRandomSource = (byteLength: number) => Uint8Array;

/** getRandomValues fills at most 65,536 bytes per call. */
const GET_RANDOM_VALUES_LIMIT = 65_536;
const MAX_RANDOM_BYTES = 1 << 20;

let testSource: TestRandomSource | null = null;

/** True when this process or page declared itself a test run. */
export function isTestEnvironment(): boolean {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> }; __CIPHERLINK_TEST_VECTORS__?: unknown };
  return g.process?.env?.NODE_ENV === 'test' || g.__CIPHERLINK_TEST_VECTORS__ === true;
}

/**
 * Test-only: route every `randomBytes` call (and so every IV, seed and generated key pair) through `source`;
 * `null` restores the platform CSPRNG. Throws TestOnlyError outside a test run (see the module comment).
 */
export function setTestRandomSource(source: TestRandomSource | null): void {
  if (source === null) {
    testSource = null;
    return;
  }
  if (!isTestEnvironment()) throw new TestOnlyError('deterministic randomness is only available in tests');
  testSource = source;
}

/** Whether a test source is installed (key generation then takes its deterministic path). */
export function isTestRandomSourceActive(): boolean {
  return testSource !== null;
}

/** `byteLength` random bytes from `crypto.getRandomValues` (or the test source, in tests). */
export function randomBytes(byteLength: number): Bytes {
  assertIntegerInRange(byteLength, 0, MAX_RANDOM_BYTES, 'random byte count');
  if (testSource) {
    const bytes = testSource(byteLength);
    if (!(bytes instanceof Uint8Array) || bytes.length !== byteLength) {
      throw new TestOnlyError(`test random source returned ${String(bytes?.length)} bytes, ${byteLength} requested`);
    }
    return new Uint8Array(bytes);
  }
  const out = new Uint8Array(byteLength);
  for (let offset = 0; offset < byteLength; offset += GET_RANDOM_VALUES_LIMIT) {
    globalThis.crypto.getRandomValues(out.subarray(offset, offset + GET_RANDOM_VALUES_LIMIT));
  }
  return out;
}

/**
 * Test helper: a source that hands out the given chunks in order and fails loudly when a request's length does
 * not match the next chunk or the chunks run out, so a test vector states exactly which random values it consumes.
 */
export function queuedTestBytes(...chunks: Uint8Array[]): TestRandomSource {
  const queue = chunks.map((c) => new Uint8Array(c));
  return (byteLength) => {
    const next = queue.shift();
    if (!next) throw new TestOnlyError(`test random source exhausted (${byteLength} bytes requested)`);
    if (next.length !== byteLength) throw new TestOnlyError(`next test chunk has ${next.length} bytes, ${byteLength} requested`);
    return next;
  };
}
