import { ConflictError, ForbiddenError, NotFoundError, parseOrThrow, userOf, type FastifyInstance } from '@cipherlink/kit';
import {
  ConversationParams,
  CreateRoomRequest,
  RoomMemberParams,
  RoomUserRequest,
  type ConversationMembersResponse,
  type ConversationResponse,
} from '@cipherlink/proto';
import type { SubRouteDeps } from './key-routes';
import { publishMemberAdded, publishMemberRemoved } from './publish-events';

/**
 * Group rooms: create, add and remove members (admins; anyone may leave), promote admins, and the member listing
 * with device keys (members only). Outsiders get 404 for a room as for an unknown id. Every membership change is
 * announced on NATS after its commit, carrying the new membership version.
 */
export function registerRoomRoutes(app: FastifyInstance, deps: SubRouteDeps): void {
  const { store, logger: log, callerOf } = deps;

  /** The conversation as the caller now sees it (they are a member: they just acted on it). */
  async function conversationFor(conversationId: string, userId: string): Promise<ConversationResponse> {
    const conversation = await store.conversations.findForMember(conversationId, userId);
    if (!conversation) throw new NotFoundError('conversation not found');
    return { conversation };
  }

  app.post('/api/directory/rooms', async (req, reply): Promise<ConversationResponse> => {
    const { name } = parseOrThrow(CreateRoomRequest, req.body, 'request body');
    const userId = await callerOf(req);
    const { id, change } = await store.rooms.create(userId, name);
    log.info({ conversationId: id }, 'room created');
    await publishMemberAdded(deps.nats(), change, log);
    void reply.status(201);
    return conversationFor(id, userId);
  });

  app.post('/api/directory/rooms/:conversationId/members', async (req, reply): Promise<ConversationResponse> => {
    const { conversationId } = parseOrThrow(ConversationParams, req.params, 'path parameters');
    const { userId } = parseOrThrow(RoomUserRequest, req.body, 'request body');
    const actor = await callerOf(req);
    if (!(await store.users.findById(userId))) throw new NotFoundError('user not found');
    const { decision, change } = await store.rooms.addMember(conversationId, actor, userId);
    switch (decision) {
      case 'not_found':
        throw new NotFoundError('conversation not found');
      case 'forbidden':
        throw new ForbiddenError('only room admins add members');
      case 'full':
        throw new ConflictError('the room is full');
      case 'already_member':
        return conversationFor(conversationId, actor);
      case 'add':
        log.info({ conversationId, userId, version: change!.version }, 'room member added');
        await publishMemberAdded(deps.nats(), change!, log);
        void reply.status(201);
        return conversationFor(conversationId, actor);
    }
  });

  app.delete('/api/directory/rooms/:conversationId/members/:userId', async (req, reply): Promise<void> => {
    const { conversationId, userId } = parseOrThrow(RoomMemberParams, req.params, 'path parameters');
    const actor = userOf(req).sub.toLowerCase();
    const { decision, change, reason } = await store.rooms.removeMember(conversationId, actor, userId);
    switch (decision) {
      case 'not_found':
        throw new NotFoundError('conversation not found');
      case 'not_member':
        throw new NotFoundError('member not found');
      case 'forbidden':
        throw new ForbiddenError('only room admins remove other members');
      case 'last_admin':
        throw new ConflictError('the last admin cannot leave or be removed while others remain; promote another admin first');
      case 'remove':
        log.info({ conversationId, userId, reason, version: change!.version }, 'room member removed');
        await publishMemberRemoved(deps.nats(), change!, reason!, log);
        void reply.status(204);
    }
  });

  app.post('/api/directory/rooms/:conversationId/admins', async (req): Promise<ConversationResponse> => {
    const { conversationId } = parseOrThrow(ConversationParams, req.params, 'path parameters');
    const { userId } = parseOrThrow(RoomUserRequest, req.body, 'request body');
    const actor = userOf(req).sub.toLowerCase();
    const decision = await store.rooms.promote(conversationId, actor, userId);
    if (decision === 'not_found') throw new NotFoundError('conversation not found');
    if (decision === 'forbidden') throw new ForbiddenError('only room admins promote members');
    if (decision === 'not_member') throw new NotFoundError('member not found');
    if (decision === 'promote') log.info({ conversationId, userId }, 'room admin added');
    return conversationFor(conversationId, actor);
  });

  app.get('/api/directory/conversations/:conversationId/members', async (req): Promise<ConversationMembersResponse> => {
    const { conversationId } = parseOrThrow(ConversationParams, req.params, 'path parameters');
    // Absent and not-a-member answer alike.
    const listing = await store.rooms.membersFor(conversationId, userOf(req).sub);
    if (!listing) throw new NotFoundError('conversation not found');
    const userIds = listing.members.map((m) => m.userId);
    const [identities, devices] = await Promise.all([store.identities.getMany(userIds), store.devices.certifiedOf(userIds)]);
    return {
      conversationId: conversationId.toLowerCase(),
      kind: listing.kind,
      membershipVersion: listing.membershipVersion,
      members: listing.members.map((m) => ({
        ...m,
        identityKey: identities.get(m.userId)?.identityKey ?? null,
        identityKeyVersion: identities.get(m.userId)?.version ?? 0,
        devices: devices.get(m.userId) ?? [],
      })),
    };
  });
}
