import { rpc, WsCloseCode, type AuthFrame } from '@cipherlink/proto';
import { callRpc, toAppError } from '@cipherlink/kit';
import type { GatewayContext } from './gateway-context';
import type { ClientConnection } from './client-connection';
import { errSummary } from './err-summary';

/** RFC 6455 "Try Again Later": a dependency is down, the client should reconnect with backoff. */
const TRY_AGAIN_LATER = 1013;

/**
 * Handle the `auth` frame: verify the token locally, check the device belongs to the user, register the socket for
 * routing, load the user's conversations into it, report presence, and only then send `ready`.
 */
export async function authenticate(ctx: GatewayContext, conn: ClientConnection, frame: AuthFrame): Promise<void> {
  const log = ctx.logger.child({ connectionId: conn.id });
  conn.phase = 'authenticating';

  let userId: string;
  try {
    const claims = await ctx.verifier.verify(frame.token);
    userId = claims.sub.toLowerCase();
    // Known from now on, so a revocation that arrives while the socket is still authenticating closes it too.
    conn.session = { userId, sessionId: claims.sid.toLowerCase(), jti: claims.jti };
  } catch (err) {
    const appErr = toAppError(err);
    // The deny-list could not be read: fail closed, but as "try again later", not as a bad token.
    if (appErr.code === 'unavailable') return unavailable(conn, log, err, 'session check unavailable');
    log.info({ reason: appErr.message }, 'socket auth rejected');
    return reject(conn, 'unauthorized', appErr.code === 'unauthorized' ? appErr.message : 'invalid access token');
  }
  const deviceId = frame.deviceId.toLowerCase();

  try {
    const { valid } = await callRpc(ctx.nats, rpc.directoryDeviceCheck, { userId, deviceId });
    if (!valid) {
      log.info({ userId, deviceId }, 'socket auth rejected: unknown device');
      return reject(conn, 'unauthorized', 'device does not belong to this user');
    }
  } catch (err) {
    return unavailable(conn, log, err, 'directory unavailable', userId);
  }
  // The socket may have gone while we waited; registering it now would leak routing state.
  if (conn.closed) return;

  // Register the connection before asking for its conversations: a member-added event (a DM opened right now)
  // that arrives while the list is loading then reaches this socket (held until `ready`). An event that arrived
  // earlier was published after its commit, so the list, read after this point, already contains it.
  const identity = { connectionId: conn.id, userId, deviceId };
  ctx.subscriptions.apply(ctx.table.add(identity, []));
  conn.identity = identity;

  let conversationIds: string[];
  try {
    conversationIds = (await callRpc(ctx.nats, rpc.directoryConversationsOfUser, { userId })).conversationIds.map((c) => c.toLowerCase());
  } catch (err) {
    // Closed on purpose: the close handler forgets the connection (identity is set, so release() cleans up).
    return unavailable(conn, log, err, 'directory unavailable', userId);
  }
  // Closed meanwhile: release() already removed it from the routing table.
  if (conn.closed) return;
  for (const conversationId of conversationIds) ctx.subscriptions.apply(ctx.table.addConversation(conn.id, conversationId));

  const heartbeat = () => {
    conn.lastHeartbeat = callRpc(ctx.nats, rpc.presenceHeartbeat, { userId, connectionId: conn.id }).then(
      () => undefined,
      (err: unknown) => log.warn({ err: errSummary(err) }, 'presence heartbeat failed'),
    );
    return conn.lastHeartbeat;
  };
  // The intervals are armed before the first await so that a close during it also clears them.
  conn.every(ctx.config.PRESENCE_HEARTBEAT_MS, () => void heartbeat());
  conn.every(ctx.config.WS_SESSION_RECHECK_MS, () => void recheckSession(ctx, conn));
  try {
    await Promise.all([heartbeat(), ctx.subscriptions.flush()]);
  } catch (err) {
    log.warn({ err: errSummary(err) }, 'nats flush failed during auth');
  }
  if (conn.closed) return;
  conn.markReady(identity);
  log.debug({ userId, deviceId, conversations: conversationIds.length }, 'socket ready');
}

/**
 * The revocation event is core NATS (at most once): a gateway that was cut off from NATS when it was published
 * misses it. Re-reading the deny-list now and then bounds how long such a socket outlives its session. A Redis
 * failure here keeps the socket: the socket already authenticated, and a Redis blip must not drop every user.
 */
async function recheckSession(ctx: GatewayContext, conn: ClientConnection): Promise<void> {
  const session = conn.session;
  if (!session || conn.closed) return;
  try {
    if (await ctx.revocations.isDenied({ sid: session.sessionId, jti: session.jti })) {
      ctx.logger.info({ connectionId: conn.id, userId: session.userId }, 'session ended (deny-list re-check); closing socket');
      conn.close(WsCloseCode.sessionRevoked, 'session ended');
    }
  } catch (err) {
    ctx.logger.debug({ err: errSummary(err), connectionId: conn.id }, 'session re-check skipped: deny-list unavailable');
  }
}

function unavailable(conn: ClientConnection, log: GatewayContext['logger'], err: unknown, what: string, userId?: string): void {
  log.warn({ err: errSummary(err), userId }, `socket auth failed: ${what}`);
  conn.error('unavailable', 'service temporarily unavailable, retry later');
  conn.close(TRY_AGAIN_LATER, 'unavailable');
}

function reject(conn: ClientConnection, code: 'unauthorized', message: string): void {
  conn.error(code, message);
  conn.close(WsCloseCode.unauthorized, 'unauthorized');
}
