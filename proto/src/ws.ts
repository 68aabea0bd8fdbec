import { z } from 'zod';
import { ErrorCode, Uuid, UuidV7 } from './common';
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

export const ClientFrame = z.discriminatedUnion('type', [AuthFrame, SendMessageFrame, WatchPresenceFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type AuthFrame = z.infer<typeof AuthFrame>;
export type SendMessageFrame = z.infer<typeof SendMessageFrame>;
export type WatchPresenceFrame = z.infer<typeof WatchPresenceFrame>;

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

export const ServerFrame = z.discriminatedUnion('type', [
  ReadyFrame,
  MessageAckFrame,
  MessageFrame,
  PresenceFrame,
  ConversationAddedFrame,
  ErrorFrame,
  PongFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
