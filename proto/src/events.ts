import { z } from 'zod';
import { Timestamp, Uuid, UuidV7 } from './common';
import { ConversationKind } from './directory';
import { KeyPackage, MAX_KEY_REQUEST_CONVERSATIONS } from './keys';
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

/** A conversation's membership version after a change (the `membershipVersion` the directory serves). */
export const EpochHint = z.number().int().positive();

/**
 * directory (JetStream): a user joined a conversation (a DM's creation adds both, a room's its creator, then each
 * added member). `epochHint` is always set by the directory (optional for events published before rooms existed).
 */
export const MemberAddedEvent = z.object({
  v: z.literal(1),
  conversationId: Uuid,
  conversationKind: ConversationKind,
  userId: Uuid,
  epochHint: EpochHint.optional(),
  occurredAt: Timestamp,
});
export type MemberAddedEvent = z.infer<typeof MemberAddedEvent>;

export const MemberRemovedReason = z.enum(['removed', 'left', 'account_deleted']);
export type MemberRemovedReason = z.infer<typeof MemberRemovedReason>;

/**
 * directory (JetStream): a user is no longer a member (removed by an admin, left, or their account was deleted).
 * Gateways stop routing the conversation to the user's sockets at once and tell the remaining members, whose
 * clients start a new sender-key epoch without the user.
 */
export const MemberRemovedEvent = z.object({
  v: z.literal(1),
  conversationId: Uuid,
  conversationKind: ConversationKind,
  userId: Uuid,
  epochHint: EpochHint,
  reason: MemberRemovedReason,
  occurredAt: Timestamp,
});
export type MemberRemovedEvent = z.infer<typeof MemberRemovedEvent>;

export const DeviceChange = z.enum(['added', 'removed']);
export type DeviceChange = z.infer<typeof DeviceChange>;

/**
 * directory (JetStream): a user's device set changed. Gateways forward it to every socket of the user and of every
 * user sharing a conversation with them (their clients rotate sender keys), and close a removed device's sockets.
 */
export const DevicesChangedEvent = z.object({ v: z.literal(1), userId: Uuid, change: DeviceChange, deviceId: Uuid, occurredAt: Timestamp });
export type DevicesChangedEvent = z.infer<typeof DevicesChangedEvent>;

/**
 * directory (JetStream): a user's identity key was set for the first time (version 1) or replaced (version > 1:
 * contacts' clients show "safety number changed"). Forwarded like `DevicesChangedEvent`.
 */
export const IdentityKeyChangedEvent = z.object({
  v: z.literal(1),
  userId: Uuid,
  identityKeyVersion: z.number().int().positive(),
  occurredAt: Timestamp,
});
export type IdentityKeyChangedEvent = z.infer<typeof IdentityKeyChangedEvent>;

/** message-store (core NATS, best effort): a key package was stored for a device; gateways deliver it live. */
export const KeyPackageStoredEvent = z.object({ v: z.literal(1), package: KeyPackage });
export type KeyPackageStoredEvent = z.infer<typeof KeyPackageStoredEvent>;

/**
 * gateway (core NATS, fan-out to every gateway): a device asks the user's other online devices for sender keys.
 * Delivered only to sockets of `userId` other than the requesting device.
 */
export const KeysRequestedEvent = z.object({
  v: z.literal(1),
  userId: Uuid,
  requesterDeviceId: Uuid,
  conversationIds: z.array(Uuid).min(1).max(MAX_KEY_REQUEST_CONVERSATIONS),
  occurredAt: Timestamp,
});
export type KeysRequestedEvent = z.infer<typeof KeysRequestedEvent>;

export const DeviceRegisteredEvent = z.object({ v: z.literal(1), userId: Uuid, deviceId: Uuid, occurredAt: Timestamp });
export type DeviceRegisteredEvent = z.infer<typeof DeviceRegisteredEvent>;

export const PresenceChangedEvent = z.object({
  v: z.literal(1),
  userId: Uuid,
  online: z.boolean(),
  at: Timestamp,
});
export type PresenceChangedEvent = z.infer<typeof PresenceChangedEvent>;

