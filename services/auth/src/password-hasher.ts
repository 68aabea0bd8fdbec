import { hash, verify, type Algorithm } from '@node-rs/argon2';

// Argon2id (2), written as a number because the package declares Algorithm as an ambient const enum, which
// isolatedModules cannot read. OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1.
const ARGON2_OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * A fixed hash with the same parameters as real ones, verified when the username is unknown so that a login
 * attempt costs the same time whether or not the account exists (no enumeration by timing).
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$zBOv1YeT7tQqS9LxYIwuhg$6FO1d8JSv2ziytuAVShMgzeh8gBOH8G0HrAQif9gDSA';

/** Hash a new password with argon2id (OWASP parameters). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Check `password` against `passwordHash`, or against the dummy hash when there is no user, so both cases cost
 * one argon2 verification. Resolves to false for the dummy.
 */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY_HASH, password);
    return passwordHash !== undefined && ok;
  } catch {
    // A malformed stored hash must read as "wrong password", never as a 500 that reveals the account exists.
    return false;
  }
}
