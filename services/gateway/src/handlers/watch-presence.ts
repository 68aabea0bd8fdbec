import { rpc, type WatchPresenceFrame } from '@cipherlink/proto';
import { callRpc } from '@cipherlink/kit';
import { allowedWatchIds } from '../domain/presence-access';
import type { ConnectionIdentity } from '../domain/routing-table';
import type { GatewayContext } from './gateway-context';
import type { ClientConnection } from './client-connection';
import { errSummary } from './err-summary';

/**
 * `presence.watch`: the frame names the full list of users to watch (it replaces the previous list). Only contacts
 * and the user themself are kept; other ids are dropped silently so the answer does not reveal who exists.
 * Subscriptions are made before the current state is queried, so no transition after the query can be missed.
 */
export async function watchPresence(ctx: GatewayContext, conn: ClientConnection, identity: ConnectionIdentity, frame: WatchPresenceFrame): Promise<void> {
  const log = ctx.logger.child({ connectionId: conn.id });
  let contacts: string[];
  try {
    ({ userIds: contacts } = await callRpc(ctx.nats, rpc.directoryContacts, { userId: identity.userId }));
  } catch (err) {
    log.warn({ err: errSummary(err) }, 'contacts lookup failed');
    return conn.error('unavailable', 'presence is unavailable now, retry later');
  }
  if (conn.closed) return;
  const { allowed, denied } = allowedWatchIds(identity.userId, frame.userIds, contacts);
  if (denied.length) log.debug({ denied: denied.length }, 'presence watch ignored non-contacts');
  ctx.subscriptions.apply(ctx.table.setWatches(conn.id, allowed));
  if (allowed.length === 0) return;

  try {
    await ctx.subscriptions.flush();
    const { presence } = await callRpc(ctx.nats, rpc.presenceQuery, { userIds: allowed });
    for (const state of presence) conn.deliver({ type: 'presence', presence: state });
  } catch (err) {
    log.warn({ err: errSummary(err) }, 'presence query failed');
    conn.error('unavailable', 'presence is unavailable now, retry later');
  }
}
