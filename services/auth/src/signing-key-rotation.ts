import { publishEphemeral, type Nats } from '@cipherlink/kit';
import { SigningKeysChangedEvent, subjects } from '@cipherlink/proto';
import { generateSigningKey } from './signing-key';
import type { SigningKeyStore } from './store/signing-key-store';

/**
 * Rotate the access-token signing key: a new key is published at once (JWKS) and signs from `publishSeconds` on;
 * the previous key retires at that instant and stays published until its last token has expired. Every auth
 * instance and verifier is told on core NATS (they also re-check on their own, so a lost event only delays).
 */
export async function rotateSigningKey(deps: { keys: SigningKeyStore; nats: Nats; publishSeconds: number }): Promise<{ kid: string; notBefore: Date }> {
  const result = await deps.keys.rotate({ generate: generateSigningKey, publishSeconds: deps.publishSeconds });
  publishEphemeral(deps.nats, subjects.evt.signingKeysChanged, SigningKeysChangedEvent, { v: 1, occurredAt: new Date().toISOString() });
  await deps.nats.nc.flush();
  return result;
}
