import { PublicJwk, type Jwks } from '@cipherlink/proto';
import type { PgPool } from '@cipherlink/kit';
import type { JWK } from 'jose';
import type { SigningKeyRecord } from '../signing-key';
import { withTransaction } from '@cipherlink/kit';

/**
 * Access-token signing keys live in the auth database (auth_signing_keys, private half as a JWK). Anyone who can
 * read that table can mint tokens, so it is as sensitive as the password hashes. A later issue adds rotation as a
 * command (insert a new key, retire the old one; retired keys stay published until their tokens expire).
 */
export interface SigningKeyStore {
  /** The newest active key; when there is none, `generate` one and store it (safe with instances racing). */
  ensureActive(generate: () => Promise<SigningKeyRecord>): Promise<SigningKeyRecord>;
  /** Public keys that may still verify tokens: active ones and ones retired less than `retiredGraceMs` ago. */
  publicKeys(retiredGraceMs: number): Promise<Jwks>;
}

// Arbitrary constant naming the "create the first signing key" critical section for pg_advisory_xact_lock.
const FIRST_KEY_LOCK = 0x61757468; // "auth"

export function createSigningKeyStore(pool: PgPool): SigningKeyStore {
  async function newestActive(): Promise<SigningKeyRecord | undefined> {
    const { rows } = await pool.query<{ kid: string; private_jwk: JWK; public_jwk: unknown }>(
      `SELECT kid, private_jwk, public_jwk FROM auth_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1`,
    );
    const row = rows[0];
    return row && { kid: row.kid, privateJwk: row.private_jwk, publicJwk: PublicJwk.parse(row.public_jwk) };
  }

  return {
    async ensureActive(generate) {
      const existing = await newestActive();
      if (existing) return existing;
      const candidate = await generate();
      // Insert-if-none under an advisory lock: of several instances starting together, one inserts and the others
      // see its row; then everyone reads the newest active key, so they all sign with the same one.
      await withTransaction(pool, async (db) => {
        await db.query('SELECT pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);
        await db.query(
          `INSERT INTO auth_signing_keys (kid, private_jwk, public_jwk)
           SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM auth_signing_keys WHERE retired_at IS NULL)`,
          [candidate.kid, JSON.stringify(candidate.privateJwk), JSON.stringify(candidate.publicJwk)],
        );
      });
      const active = await newestActive();
      if (!active) throw new Error('no active signing key after insert');
      return active;
    },

    async publicKeys(retiredGraceMs) {
      const { rows } = await pool.query<{ public_jwk: unknown }>(
        `SELECT public_jwk FROM auth_signing_keys
         WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
         ORDER BY created_at DESC`,
        [retiredGraceMs / 1000],
      );
      // Parsing strips everything but the public members, so a private `d` can never leak through this path.
      return { keys: rows.map((r) => PublicJwk.parse(r.public_jwk)) };
    },
  };
}
