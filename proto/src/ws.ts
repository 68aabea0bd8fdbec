import { z } from 'zod';
import { Epoch, ErrorCode, Uuid, UuidV7 } from './common';
import { DeviceChange } from './events';
import { KeyPackage, KeyPackageUploads, MAX_KEY_REQUEST_CONVERSATIONS } from './keys';
import { Envelope, StoredMessage } from './messages';
import { PresenceState } from './presence';

/** Largest WebSocket frame the gateway accepts, in bytes. Larger frames close the socket with 1009. */
export const MAX_WS_FRAME_BYTES = 64 * 1024;
/** The socket must authenticate within this many milliseconds or it is closed. */
export const WS_AUTH_TIMEOUT_MS = 5_000;
/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

/** WebSocket close codes used by the gateway (4000-4999 are application codes). */
export const WsCloseCode = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  unauthorized: 4001,
  authTimeout: 4002,
  sessionRevoked: 4003,
  /** The socket's device was removed from the account (or its certificate replaced); it must register again. */
  deviceRemoved: 4004,
} as const;

// ---- client -> server ----

/** First frame on every socket: the access token travels here, never in the URL. */
export const AuthFrame = z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096), deviceId: Uuid }).strict();
export const SendMessageFrame = z
  .object({ type: z.literal('message.send'), id: UuidV7, conversationId: Uuid, envelope: Envelope })
  .strict();
export const WatchPresenceFrame = z
  .object({ type: z.literal('presence.watch'), userIds: z.array(Uuid).max(500) })
  .strict();
export const PingFrame = z.object({ type: z.literal('ping') }).strict();

/**
 * Upload sender-key distributions for one conversation and epoch, one package per recipient device (protocol v1).
 * The sender must be a member; a package whose recipient is not a certified device of a current member is refused
 * (listed in the `keys.distributed` answer), the others are stored and delivered. Recipients are distinct.
 */
export const KeysDistributeFrame = z
  .object({
    type: z.literal('keys.distribute'),
    id: Uuid,
    conversationId: Uuid,
    epoch: Epoch,
    packages: KeyPackageUploads,
  })
  .strict();
/** Ask this user's other online devices to distribute their sender keys of these conversations to this device. */
export const KeysRequestFrame = z
  .object({ type: z.literal('keys.request'), id: Uuid, conversationIds: z.array(Uuid).min(1).max(MAX_KEY_REQUEST_CONVERSATIONS) })
  .strict();

export const ClientFrame = z.discriminatedUnion('type', [
  AuthFrame,
  SendMessageFrame,
  WatchPresenceFrame,
  PingFrame,
  KeysDistributeFrame,
  KeysRequestFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type SendMessageFrame = z.infer<typeof SendMessageFrame>;
export type WatchPresenceFrame = z.infer<typeof WatchPresenceFrame>;
export type KeysDistributeFrame = z.infer<typeof KeysDistributeFrame>;
export type KeysRequestFrame = z.infer<typeof KeysRequestFrame>;

// ---- server -> client ----

export const ReadyFrame = z.object({ type: z.literal('ready'), userId: Uuid, deviceId: Uuid, connectionId: z.string() });
/** The sender's acknowledgement: the message is durably stored with this sequence number. */
export const MessageAckFrame = z.object({ type: z.literal('message.ack'), id: UuidV7, conversationId: Uuid, seq: z.number().int().positive() });
export const MessageFrame = z.object({ type: z.literal('message'), message: StoredMessage });
export const PresenceFrame = z.object({ type: z.literal('presence'), presence: PresenceState });
/** The user was added to a conversation (for example a DM someone opened with them). */
export const ConversationAddedFrame = z.object({ type: z.literal('conversation.added'), conversationId: Uuid });
export const ErrorFrame = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  /** The id of the client frame this error answers, when there is one. */
  ref: z.string().optional(),
  /** With `rate_limited`: seconds until the connection's frame budget allows this frame again. */
  retryAfterSeconds: z.number().int().positive().optional(),
});
export const PongFrame = z.object({ type: z.literal('pong') });

/**
 * A member joined or left a conversation (sent to every member socket, and to the removed user's sockets, which get
 * nothing of the conversation afterwards). `version` is the membership version after the change: clients start a
 * new sender-key epoch when it grows.
 */
export const ConversationMembershipFrame = z.object({
  type: z.literal('conversation.membership'),
  conversationId: Uuid,
  version: z.number().int().positive(),
  change: z.enum(['added', 'removed']),
  userId: Uuid,
});
/** The answer to `keys.distribute` (`id` is the frame's): stored packages with their seqs, and refused recipients. */
export const KeysDistributedFrame = z.object({
  type: z.literal('keys.distributed'),
  id: Uuid,
  conversationId: Uuid,
  epoch: Epoch,
  stored: z.array(z.object({ recipientDeviceId: Uuid, seq: z.number().int().positive() })),
  /** Recipient devices that are not certified devices of current members: nothing was stored for them. */
  refused: z.array(Uuid),
});
/** A sender-key distribution for this socket's device (fetch missed ones with GET /api/messages/key-packages). */
export const KeyPackageFrame = z.object({ type: z.literal('keys.package'), package: KeyPackage });
/** Another device of this user asks for sender keys of these conversations (answer with `keys.distribute`). */
export const KeysRequestedFrame = z.object({
  type: z.literal('keys.requested'),
  requesterDeviceId: Uuid,
  conversationIds: z.array(Uuid).min(1).max(MAX_KEY_REQUEST_CONVERSATIONS),
});
/** A device of this user or of a contact was added or removed: fetch their keys again, rotate sender keys. */
export const DevicesChangedFrame = z.object({ type: z.literal('user.devices-changed'), userId: Uuid, change: DeviceChange, deviceId: Uuid });
/** The identity key of this user or of a contact was set or replaced (version > 1: "safety number changed"). */
export const IdentityKeyChangedFrame = z.object({
  type: z.literal('user.identity-changed'),
  userId: Uuid,
  identityKeyVersion: z.number().int().positive(),
});

export const ServerFrame = z.discriminatedUnion('type', [
  ReadyFrame,
  MessageAckFrame,
  MessageFrame,
  PresenceFrame,
  ConversationAddedFrame,
  ErrorFrame,
  PongFrame,
  ConversationMembershipFrame,
  KeysDistributedFrame,
  KeyPackageFrame,
  KeysRequestedFrame,
  DevicesChangedFrame,
  IdentityKeyChangedFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
