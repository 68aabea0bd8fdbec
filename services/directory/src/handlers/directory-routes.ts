import {
  authGuard,
  BadRequestError,
  NotFoundError,
  parseOrThrow,
  userOf,
  type AccessTokenVerifier,
  type FastifyPluginAsync,
  type Logger,
  type Nats,
  type RateLimiter,
} from '@cipherlink/kit';
import {
  ConversationParams,
  OpenDmRequest,
  RegisterDeviceRequest,
  UserParams,
  UsernameParams,
  type ConversationResponse,
  type ConversationsResponse,
  type DeviceResponse,
  type DevicesResponse,
  type UserResponse,
} from '@cipherlink/proto';
import { isSameUser } from '../domain/dm-key';
import type { DirectoryStore } from '../store/directory-store';
import { callerResolver } from './caller';
import { registerKeyRoutes } from './key-routes';
import { publishDeviceRegistered, publishDevicesChanged, publishMembersAdded } from './publish-events';
import { registerRoomRoutes } from './room-routes';

export interface DirectoryRouteDeps {
  store: DirectoryStore;
  verifier: AccessTokenVerifier;
  /** The per-user API budget shared by every service ('api'); each authenticated request spends one point. */
  apiLimiter: RateLimiter;
  nats: () => Nats;
  logger: Logger;
}

/**
 * The directory's REST API under `/api/directory`; every route requires a valid access token. Users, v0 devices,
 * DMs and conversations here; identity keys, v1 devices and the key backup in key-routes.ts; rooms in room-routes.ts.
 */
export function directoryRoutes(deps: DirectoryRouteDeps): FastifyPluginAsync {
  const { store, logger } = deps;
  const log = logger.child({ module: 'routes' });

  const callerOf = callerResolver(store);

  return async (app) => {
    // onRequest, before the body is parsed: an anonymous caller learns nothing, not even that its JSON is malformed.
    // The per-user limit is spent after the token verified: 429 with Retry-After, 503 when Redis is down.
    app.addHook('onRequest', authGuard(deps.verifier, { perUser: deps.apiLimiter }));

    app.get('/api/directory/users/by-username/:username', async (req): Promise<UserResponse> => {
      const { username } = parseOrThrow(UsernameParams, req.params, 'path parameters');
      const user = await store.users.findByUsername(username);
      if (!user) throw new NotFoundError('user not found');
      return { user };
    });

    app.get('/api/directory/users/:userId/devices', async (req): Promise<DevicesResponse> => {
      const { userId } = parseOrThrow(UserParams, req.params, 'path parameters');
      // Public keys are public: any authenticated user may fetch them to encrypt to that user's devices.
      if (!(await store.users.findById(userId))) throw new NotFoundError('user not found');
      return { devices: await store.devices.listOf(userId) };
    });

    app.put('/api/directory/devices', async (req, reply): Promise<DeviceResponse> => {
      const { publicKey } = parseOrThrow(RegisterDeviceRequest, req.body, 'request body');
      const userId = await callerOf(req);
      const { device, created } = await store.devices.register(userId, publicKey);
      if (created) {
        publishDeviceRegistered(deps.nats(), device);
        await publishDevicesChanged(deps.nats(), userId, 'added', device.id, log);
        log.info({ userId, deviceId: device.id }, 'device registered');
      }
      void reply.status(created ? 201 : 200);
      return { device };
    });

    app.post('/api/directory/dms', async (req, reply): Promise<ConversationResponse> => {
      const { peerUserId } = parseOrThrow(OpenDmRequest, req.body, 'request body');
      if (isSameUser(userOf(req).sub, peerUserId)) throw new BadRequestError('cannot open a DM with yourself');
      const userId = await callerOf(req);
      if (!(await store.users.findById(peerUserId))) throw new NotFoundError('user not found');
      const { conversation, created } = await store.conversations.openDm(userId, peerUserId);
      if (created) {
        log.info({ conversationId: conversation.id }, 'dm created');
        await publishMembersAdded(deps.nats(), conversation, log);
      }
      void reply.status(created ? 201 : 200);
      return { conversation };
    });

    app.get('/api/directory/conversations', async (req): Promise<ConversationsResponse> => {
      return { conversations: await store.conversations.listOf(userOf(req).sub) };
    });

    app.get('/api/directory/conversations/:conversationId', async (req): Promise<ConversationResponse> => {
      const { conversationId } = parseOrThrow(ConversationParams, req.params, 'path parameters');
      // Absent and not-a-member answer alike so ids cannot be probed.
      const conversation = await store.conversations.findForMember(conversationId, userOf(req).sub);
      if (!conversation) throw new NotFoundError('conversation not found');
      return { conversation };
    });

    registerKeyRoutes(app, { store, nats: deps.nats, logger: log, callerOf });
    registerRoomRoutes(app, { store, nats: deps.nats, logger: log, callerOf });
  };
}
