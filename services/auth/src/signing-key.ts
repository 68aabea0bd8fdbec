import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { ACCESS_TOKEN_ALG, PublicJwk } from '@cipherlink/proto';

/** A signing key as persisted: both halves as JWKs, named by `kid`. */
export interface SigningKeyRecord {
  kid: string;
  privateJwk: JWK;
  publicJwk: PublicJwk;
}

/** Generate a fresh ES256 (P-256) key pair; the kid is the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  return { kid, privateJwk, publicJwk: PublicJwk.parse({ ...pub, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' }) };
}

/** Import the private half for signing. */
export async function importSigningKey(record: SigningKeyRecord): Promise<CryptoKey> {
  return (await importJWK(record.privateJwk, ACCESS_TOKEN_ALG)) as CryptoKey;
}
