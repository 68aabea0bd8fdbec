import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import {
  DevicesChangedEvent,
  IdentityKeyChangedEvent,
  KeysRequestedEvent,
  MAX_WS_FRAME_BYTES,
  MemberAddedEvent,
  MemberRemovedEvent,
  rpc,
  SessionsRevokedEvent,
  streams,
  subjects,
  WsCloseCode,
} from '@cipherlink/proto';
import {
  callRpc,
  closeRedis,
  connectNats,
  connectRedis,
  createAccessTokenVerifier,
  createRedis,
  createRevocationList,
  ensureStream,
  type FastifyPluginAsync,
  type Logger,
  type Nats,
  natsReadiness,
  redisReadiness,
  type Service,
  subscribeEphemeral,
  watchSigningKeys,
} from '@cipherlink/kit';
import type { GatewayConfig } from './config';
import { RoutingTable } from './domain/routing-table';
import { acceptSocket } from './handlers/accept-socket';
import { closeRevokedSessions } from './handlers/close-revoked-sessions';
import { deliverMemberAdded, deliverMemberRemoved, deliverPresenceChanged, deliverStoredMessage } from './handlers/deliver-events';
import { deliverDevicesChanged, deliverIdentityKeyChanged, deliverKeyPackage, deliverKeysRequested } from './handlers/deliver-key-events';
import type { GatewayContext } from './handlers/gateway-context';
import { RoutingSubscriptions } from './handlers/routing-subscriptions';
import { attachUpgradeHandler } from './handlers/ws-upgrade';
import { errSummary } from './handlers/err-summary';

/** How long stop() lets clients answer the 1001 close handshake before cutting their sockets. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The WebSocket gateway: authenticates sockets and routes frames between them and NATS. It keeps no database; all
 * routing state is in memory and rebuilt from the directory when clients reconnect, so instances scale out freely.
 */
export function createGatewayService(config: GatewayConfig, deps: { logger: Logger }): Service {
  const logger = deps.logger.child({ gatewayId: config.GATEWAY_ID });
  // Socket auth reads the deny-list here; a Redis outage refuses sockets with 1013 rather than letting them in.
  const redis = createRedis(config.REDIS_URL, { name: `gateway-${config.GATEWAY_ID}`, logger });
  let ctx: GatewayContext | undefined;
  let wss: WebSocketServer | undefined;
  let detachUpgrade: (() => void) | undefined;
  let subscriptions: ReturnType<typeof subscribeEphemeral>[] = [];
  let pingTimer: NodeJS.Timeout | undefined;
  let accepting = false;

  async function ensureCommandStream(nats: Nats): Promise<void> {
    try {
      await ensureStream(nats.jsm, { ...streams.messageCommands, workQueue: true });
    } catch (err) {
      // message-store owns the consumer side and may have created the stream with settings we cannot update;
      // publishing only needs the stream to exist.
      await nats.jsm.streams.info(streams.messageCommands.name);
      logger.warn({ err: errSummary(err) }, 'message command stream exists with other settings; using it as is');
    }
  }

  /** Close every socket with 1001, then wait (briefly) for their presence disconnects. */
  async function closeAllSockets(): Promise<void> {
    accepting = false;
    if (!ctx) return;
    const { connections, cleanups } = ctx;
    for (const conn of connections.values()) conn.close(WsCloseCode.goingAway, 'server shutting down');
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (connections.size > 0 && Date.now() < deadline) await sleep(25);
    for (const conn of connections.values()) conn.ws.terminate();
    while (connections.size > 0 && Date.now() < deadline + 500) await sleep(10);
    await Promise.race([Promise.allSettled([...cleanups]), sleep(3_000)]);
  }

  const routes: FastifyPluginAsync = async (app) => {
    // Open WebSockets keep the HTTP server from closing; close them as soon as the app starts closing.
    app.addHook('preClose', async () => {
      await closeAllSockets();
    });
  };

  return {
    name: 'gateway',
    routes,

    async start() {
      await connectRedis(redis);
      let nats: Nats;
      try {
        nats = await connectNats({ url: config.NATS_URL, name: `gateway-${config.GATEWAY_ID}`, logger });
      } catch (err) {
        redis.disconnect();
        throw err;
      }
      try {
        await ensureCommandStream(nats);
      } catch (err) {
        await nats.close();
        redis.disconnect();
        throw err;
      }
      const revocations = createRevocationList(redis);
      const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(nats, rpc.authJwks, {}), revocations });
      const table = new RoutingTable();
      const context: GatewayContext = {
        config,
        logger,
        nats,
        verifier,
        revocations,
        table,
        connections: new Map(),
        cleanups: new Set(),
        subscriptions: new RoutingSubscriptions(nats, logger, {
          onMessageStored: (event) => deliverStoredMessage(context, event),
          onPresenceChanged: (userId, event) => deliverPresenceChanged(context, userId, event),
          onKeyPackageStored: (deviceId, event) => deliverKeyPackage(context, deviceId, event),
        }),
      };
      ctx = context;
      // Every gateway needs every membership, key and revocation event (no queue group): each acts on its own sockets.
      subscriptions = [
        subscribeEphemeral(nats, subjects.evt.memberAddedAll, MemberAddedEvent, (event) => deliverMemberAdded(context, event), { logger }),
        subscribeEphemeral(nats, subjects.evt.memberRemovedAll, MemberRemovedEvent, (event) => deliverMemberRemoved(context, event), { logger }),
        subscribeEphemeral(nats, subjects.evt.devicesChangedAll, DevicesChangedEvent, (event) => deliverDevicesChanged(context, event), { logger }),
        subscribeEphemeral(nats, subjects.evt.identityKeyChangedAll, IdentityKeyChangedEvent, (event) => deliverIdentityKeyChanged(context, event), { logger }),
        subscribeEphemeral(nats, subjects.evt.keysRequestedAll, KeysRequestedEvent, (event) => deliverKeysRequested(context, event), { logger }),
        subscribeEphemeral(nats, subjects.evt.sessionsRevoked, SessionsRevokedEvent, (event) => closeRevokedSessions(context, event), { logger }),
        watchSigningKeys(nats, verifier, logger),
      ];
      // autoPong off: acceptSocket answers pings itself, within the connection's frame budget.
      wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME_BYTES, clientTracking: false, perMessageDeflate: false, autoPong: false });
      pingTimer = setInterval(() => {
        for (const conn of context.connections.values()) {
          if (!conn.alive) {
            logger.debug({ connectionId: conn.id }, 'peer missed a ping; terminating');
            conn.ws.terminate();
            continue;
          }
          conn.alive = false;
          try {
            conn.ws.ping();
          } catch {
            // Not open any more: its close handler is already cleaning up.
          }
        }
      }, config.WS_PING_MS);
      pingTimer.unref();
      accepting = true;
      logger.info('gateway started');
    },

    attachServer(server: Server) {
      if (!ctx || !wss) throw new Error('gateway: attachServer() called before start()');
      const context = ctx;
      detachUpgrade = attachUpgradeHandler(server, wss, {
        allowedOrigins: config.ALLOWED_ORIGINS,
        logger,
        accepting: () => accepting,
        onSocket: (ws) => acceptSocket(context, ws),
      });
    },

    readiness() {
      return [natsReadiness(() => ctx?.nats), redisReadiness(redis)];
    },

    async stop() {
      clearInterval(pingTimer);
      await closeAllSockets();
      detachUpgrade?.();
      detachUpgrade = undefined;
      wss?.close();
      for (const sub of subscriptions) sub.unsubscribe();
      subscriptions = [];
      ctx?.subscriptions.unsubscribeAll();
      await ctx?.nats.close();
      ctx = undefined;
      await closeRedis(redis);
      logger.info('gateway stopped');
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
