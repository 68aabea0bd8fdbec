import { z } from 'zod';
import { Epoch, ErrorCode, Uuid } from './common';
import { KeyPackageUploads, MAX_KEY_PACKAGES_PER_FRAME } from './keys';
import { Jwks } from './auth';
import { PresenceState } from './presence';
import { subjects } from './subjects';

/** Every NATS request/reply answer is wrapped so failures carry a stable code. */
export const RpcError = z.object({ ok: z.literal(false), error: z.object({ code: ErrorCode, message: z.string() }) });
export const rpcResult = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), data }), RpcError]);

/** One NATS endpoint: subject, request schema, response schema. */
export interface RpcEndpoint<Req extends z.ZodType, Res extends z.ZodType> {
  subject: string;
  request: Req;
  response: Res;
}
const endpoint = <Req extends z.ZodType, Res extends z.ZodType>(subject: string, request: Req, response: Res): RpcEndpoint<Req, Res> => ({
  subject,
  request,
  response,
});

export const rpc = {
  authJwks: endpoint(subjects.rpc.authJwks, z.object({}).strict(), Jwks),
  directoryConversationsOfUser: endpoint(
    subjects.rpc.directoryConversationsOfUser,
    z.object({ userId: Uuid }).strict(),
    z.object({ conversationIds: z.array(Uuid) }),
  ),
  directoryMembership: endpoint(
    subjects.rpc.directoryMembership,
    z.object({ conversationId: Uuid, userId: Uuid }).strict(),
    z.object({ member: z.boolean() }),
  ),
  directoryContacts: endpoint(
    subjects.rpc.directoryContacts,
    z.object({ userId: Uuid }).strict(),
    z.object({ userIds: z.array(Uuid) }),
  ),
  directoryDeviceCheck: endpoint(
    subjects.rpc.directoryDeviceCheck,
    z.object({ userId: Uuid, deviceId: Uuid }).strict(),
    z.object({ valid: z.boolean() }),
  ),
  directoryMemberDevices: endpoint(
    subjects.rpc.directoryMemberDevices,
    z.object({ conversationId: Uuid, userId: Uuid, deviceIds: z.array(Uuid).max(MAX_KEY_PACKAGES_PER_FRAME) }).strict(),
    z.object({
      /** Whether `userId` is a current member. */
      member: z.boolean(),
      /** The requested devices that are certified (v1) devices of current members, with their users. */
      devices: z.array(z.object({ deviceId: Uuid, userId: Uuid })),
    }),
  ),
  messageStoreKeyPackages: endpoint(
    subjects.rpc.messageStoreKeyPackages,
    z
      .object({
        conversationId: Uuid,
        epoch: Epoch,
        senderUserId: Uuid,
        senderDeviceId: Uuid,
        packages: KeyPackageUploads,
      })
      .strict(),
    z.object({ stored: z.array(z.object({ recipientDeviceId: Uuid, seq: z.number().int().positive() })) }),
  ),
  presenceQuery: endpoint(
    subjects.rpc.presenceQuery,
    z.object({ userIds: z.array(Uuid).max(500) }).strict(),
    z.object({ presence: z.array(PresenceState) }),
  ),
  presenceHeartbeat: endpoint(
    subjects.rpc.presenceHeartbeat,
    z.object({ userId: Uuid, connectionId: z.string().min(1).max(128) }).strict(),
    z.object({ online: z.literal(true) }),
  ),
  presenceDisconnect: endpoint(
    subjects.rpc.presenceDisconnect,
    z.object({ userId: Uuid, connectionId: z.string().min(1).max(128) }).strict(),
    z.object({ online: z.boolean() }),
  ),
} as const;
