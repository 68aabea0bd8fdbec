import { PublicJwk, type Jwks } from '@cipherlink/proto';
import { withTransaction, type PgClient, type PgPool } from '@cipherlink/kit';
import type { JWK } from 'jose';
import { rotationSchedule } from '../domain/signing-key-schedule';
import type { SigningKeyRecord } from '../signing-key';

/** A stored signing key with its signing window (see domain/signing-key-schedule). */
export interface StoredSigningKey extends SigningKeyRecord {
  notBefore: Date;
  retiredAt: Date | null;
}

/**
 * Access-token signing keys live in the auth database (auth_signing_keys, private half as a JWK). Anyone who can
 * read that table can mint tokens, so it is as sensitive as the password hashes. Rotation inserts a key that signs
 * from a later `not_before` and retires the previous one at that instant; a retired key stays published until the
 * last token it signed has expired.
 */
export interface SigningKeyStore {
  /** When no key may sign now, `generate` one that signs at once (safe with instances racing). */
  ensureActive(generate: () => Promise<SigningKeyRecord>): Promise<void>;
  /** Keys that sign now or will (not retired yet), for the instance's key ring. */
  signingCandidates(): Promise<StoredSigningKey[]>;
  /** Insert a new key signing `publishSeconds` from now and retire every other key at that instant. */
  rotate(input: { generate: () => Promise<SigningKeyRecord>; publishSeconds: number }): Promise<{ kid: string; notBefore: Date }>;
  /** Public keys that may verify tokens: pending, signing, and retired less than `retiredGraceMs` ago. */
  publicKeys(retiredGraceMs: number): Promise<Jwks>;
}

// Arbitrary constant naming the "change the set of signing keys" critical section for pg_advisory_xact_lock.
const KEY_SET_LOCK = 0x61757468; // "auth"

type KeyRow = { kid: string; private_jwk: JWK; public_jwk: unknown; not_before: Date; retired_at: Date | null };
const toKey = (row: KeyRow): StoredSigningKey => ({
  kid: row.kid,
  privateJwk: row.private_jwk,
  publicJwk: PublicJwk.parse(row.public_jwk),
  notBefore: row.not_before,
  retiredAt: row.retired_at,
});

async function insertKey(db: PgClient, key: SigningKeyRecord, createdAt: Date, notBefore: Date): Promise<void> {
  await db.query(`INSERT INTO auth_signing_keys (kid, private_jwk, public_jwk, created_at, not_before) VALUES ($1, $2, $3, $4, $5)`, [
    key.kid,
    JSON.stringify(key.privateJwk),
    JSON.stringify(key.publicJwk),
    createdAt,
    notBefore,
  ]);
}

export function createSigningKeyStore(pool: PgPool): SigningKeyStore {
  return {
    async ensureActive(generate) {
      const usable = `SELECT 1 FROM auth_signing_keys WHERE not_before <= now() AND (retired_at IS NULL OR retired_at > now())`;
      if ((await pool.query(usable)).rowCount) return;
      const candidate = await generate();
      // Insert-if-none under an advisory lock: of several instances starting together, one inserts and the others
      // see its row.
      await withTransaction(pool, async (db) => {
        await db.query('SELECT pg_advisory_xact_lock($1)', [KEY_SET_LOCK]);
        if ((await db.query(usable)).rowCount) return;
        const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
        await insertKey(db, candidate, rows[0]!.now, rows[0]!.now);
      });
    },

    async signingCandidates() {
      const { rows } = await pool.query<KeyRow>(
        `SELECT kid, private_jwk, public_jwk, not_before, retired_at FROM auth_signing_keys
         WHERE retired_at IS NULL OR retired_at > now() ORDER BY not_before DESC, kid DESC`,
      );
      return rows.map(toKey);
    },

    async rotate({ generate, publishSeconds }) {
      const key = await generate();
      return withTransaction(pool, async (db) => {
        await db.query('SELECT pg_advisory_xact_lock($1)', [KEY_SET_LOCK]);
        // The database's clock is the one reference every instance's schedule is written in.
        const { rows } = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
        const now = rows[0]!.now;
        const { notBefore, retireOthersAt } = rotationSchedule(now, publishSeconds);
        await db.query('UPDATE auth_signing_keys SET retired_at = $1 WHERE retired_at IS NULL OR retired_at > $1', [retireOthersAt]);
        await insertKey(db, key, now, notBefore);
        return { kid: key.kid, notBefore };
      });
    },

    async publicKeys(retiredGraceMs) {
      const { rows } = await pool.query<{ public_jwk: unknown }>(
        `SELECT public_jwk FROM auth_signing_keys
         WHERE retired_at IS NULL OR retired_at > now() - make_interval(secs => $1)
         ORDER BY not_before DESC, kid DESC`,
        [retiredGraceMs / 1000],
      );
      // Parsing strips everything but the public members, so a private `d` can never leak through this path.
      return { keys: rows.map((r) => PublicJwk.parse(r.public_jwk)) };
    },
  };
}
