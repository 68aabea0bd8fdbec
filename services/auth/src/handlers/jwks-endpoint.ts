import { serveRpc, type Logger, type Nats } from '@cipherlink/kit';
import { rpc } from '@cipherlink/proto';
import type { SigningKeyStore } from '../store/signing-key-store';

/** Serve `rpc.authJwks` (queue group `auth`, so several auth instances share the load). */
export function serveJwksEndpoint(nats: Nats, deps: { keys: SigningKeyStore; retiredKeyGraceMs: number; logger: Logger }): ReturnType<typeof serveRpc> {
  return serveRpc(nats, rpc.authJwks, () => deps.keys.publicKeys(deps.retiredKeyGraceMs), { queue: 'auth', logger: deps.logger });
}
