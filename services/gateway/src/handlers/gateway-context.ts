import type { AccessTokenVerifier, Logger, Nats, RevocationList } from '@cipherlink/kit';
import type { GatewayConfig } from '../config';
import type { RoutingTable } from '../domain/routing-table';
import type { ClientConnection } from './client-connection';
import type { RoutingSubscriptions } from './routing-subscriptions';

/** Everything the socket handlers share within one gateway instance. */
export interface GatewayContext {
  config: GatewayConfig;
  logger: Logger;
  nats: Nats;
  verifier: AccessTokenVerifier;
  /** The deny-list the verifier consults; open sockets are re-checked against it (see authenticate). */
  revocations: Pick<RevocationList, 'isDenied'>;
  table: RoutingTable;
  /** Every open socket, authenticated or not, by connection id. */
  connections: Map<string, ClientConnection>;
  subscriptions: RoutingSubscriptions;
  /** Close handlers still reporting to presence; stop() waits for them before draining NATS. */
  cleanups: Set<Promise<void>>;
}
