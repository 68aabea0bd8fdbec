import { randomUUID } from 'node:crypto';
import { createLogger } from '@cipherlink/kit';
import { loadDirectoryConfig } from '../src';

/** Shared bits of the directory's integration tests (real PostgreSQL `cipherlink_test` and NATS). */
export const logger = createLogger({ name: 'directory-test', level: 'silent' });
export const config = loadDirectoryConfig(process.env);

/** A unique, valid username for this run. */
export const uniqueUsername = () => `u${randomUUID().replace(/-/g, '').slice(0, 20)}`;

/** Poll `probe` until it yields a value. */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A syntactically valid raw P-256 public key (65 bytes, base64url); the server stores it opaquely. */
export const fakePublicKey = () => Buffer.concat([Buffer.from([4]), Buffer.from(randomUUID().repeat(2)).subarray(0, 64)]).toString('base64url');
