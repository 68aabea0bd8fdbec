import { z } from 'zod';
import { Timestamp, Uuid, UuidV7 } from './common';
import { ConversationKind } from './directory';
import { Envelope, StoredMessage } from './messages';

/**
 * NATS event and command payloads. Each carries `v`, the major version of its schema; the subject carries the
 * same major (`.v1.`). Additive changes stay in v1; a breaking change gets a v2 subject beside v1.
 */

export const UserRegisteredEvent = z.object({ v: z.literal(1), userId: Uuid, username: z.string(), occurredAt: Timestamp });
export type UserRegisteredEvent = z.infer<typeof UserRegisteredEvent>;

/** auth (JetStream): an account was deleted; the directory drops its devices and memberships. */
export const UserDeletedEvent = z.object({ v: z.literal(1), userId: Uuid, occurredAt: Timestamp });
export type UserDeletedEvent = z.infer<typeof UserDeletedEvent>;

export const SessionRevokeReason = z.enum(['logout', 'logout_all', 'revoked', 'refresh_token_reuse', 'password_changed', 'account_deleted']);
export type SessionRevokeReason = z.infer<typeof SessionRevokeReason>;

/**
 * auth (core NATS, fan-out to every gateway): these sessions ended. Gateways close their sockets at once
 * (close code 4003). `sessionIds` empty with `allSessions` true means every session of the user.
 */
export const SessionsRevokedEvent = z.object({
  v: z.literal(1),
  userId: Uuid,
  sessionIds: z.array(Uuid),
  allSessions: z.boolean(),
  reason: SessionRevokeReason,
  occurredAt: Timestamp,
});
export type SessionsRevokedEvent = z.infer<typeof SessionsRevokedEvent>;

/** auth (core NATS): the signing key set changed (rotation); verifiers fetch the JWKS again. */
export const SigningKeysChangedEvent = z.object({ v: z.literal(1), occurredAt: Timestamp });
export type SigningKeysChangedEvent = z.infer<typeof SigningKeysChangedEvent>;

export const MessageSendCommand = z.object({
  v: z.literal(1),
  id: UuidV7,
  conversationId: Uuid,
  senderUserId: Uuid,
  senderDeviceId: Uuid,
  envelope: Envelope,
  receivedAt: Timestamp,
});
export type MessageSendCommand = z.infer<typeof MessageSendCommand>;

export const MessageStoredEvent = z.object({ v: z.literal(1), message: StoredMessage });
export type MessageStoredEvent = z.infer<typeof MessageStoredEvent>;

export const MemberAddedEvent = z.object({
  v: z.literal(1),
  conversationId: Uuid,
  conversationKind: ConversationKind,
  userId: Uuid,
  occurredAt: Timestamp,
});
export type MemberAddedEvent = z.infer<typeof MemberAddedEvent>;

export const DeviceRegisteredEvent = z.object({ v: z.literal(1), userId: Uuid, deviceId: Uuid, occurredAt: Timestamp });
export type DeviceRegisteredEvent = z.infer<typeof DeviceRegisteredEvent>;

export const PresenceChangedEvent = z.object({
  v: z.literal(1),
  userId: Uuid,
  online: z.boolean(),
  at: Timestamp,
});
export type PresenceChangedEvent = z.infer<typeof PresenceChangedEvent>;

