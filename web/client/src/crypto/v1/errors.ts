/**
 * Typed failures of the v1 primitives. Messages name the parameter and the rule that was broken, never a key,
 * a plaintext or a ciphertext byte.
 */

/** A peer public key failed validation (same class as protocol v0, so callers handle one type). */
export { InvalidPublicKeyError } from '../errors';

/** An argument is outside what the primitive supports: a wrong length, a wrong key type, an out-of-range count. */
export class CryptoParameterError extends Error {
  override name = 'CryptoParameterError';
}

/** AES-GCM refused a ciphertext: wrong key, wrong IV or additional data, or tampered bytes. Indistinguishable on purpose. */
export class AeadAuthenticationError extends Error {
  override name = 'AeadAuthenticationError';
}

/**
 * The message key of a chain index cannot be produced: the index was already used, is older than the chain and
 * no longer (or never) in the skipped-key cache, or lies further ahead than the chain is allowed to jump.
 */
export class MessageKeyUnavailableError extends Error {
  override name = 'MessageKeyUnavailableError';
  constructor(
    readonly index: number,
    readonly reason: 'already-used-or-evicted' | 'jump-too-large' | 'index-out-of-range',
  ) {
    super(`message key ${index} is unavailable: ${reason}`);
  }
}

/** A pending message key was computed from a chain state that another commit has since moved; ask again. */
export class ChainStateConflictError extends Error {
  override name = 'ChainStateConflictError';
}

/** A test-only switch was used outside a test run. */
export class TestOnlyError extends Error {
  override name = 'TestOnlyError';
}
