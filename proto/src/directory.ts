import { z } from 'zod';
import { Base64Url, Timestamp, Username, Uuid } from './common';
import { PublicUser } from './auth';

/** An uncompressed P-256 point (0x04 || X || Y), 65 bytes, base64url. The client validates it on import. */
export const RawP256PublicKey = Base64Url.length(87, 'must be a 65-byte uncompressed P-256 point');

export const Device = z.object({
  id: Uuid,
  userId: Uuid,
  publicKey: RawP256PublicKey,
  createdAt: Timestamp,
});
export type Device = z.infer<typeof Device>;

export const RegisterDeviceRequest = z.object({ publicKey: RawP256PublicKey }).strict();
export type RegisterDeviceRequest = z.infer<typeof RegisterDeviceRequest>;
export const DeviceResponse = z.object({ device: Device });
export type DeviceResponse = z.infer<typeof DeviceResponse>;
export const DevicesResponse = z.object({ devices: z.array(Device) });
export type DevicesResponse = z.infer<typeof DevicesResponse>;

export const UserParams = z.object({ userId: Uuid }).strict();
export const UsernameParams = z.object({ username: Username }).strict();
export const UserResponse = z.object({ user: PublicUser });
export type UserResponse = z.infer<typeof UserResponse>;

export const ConversationKind = z.enum(['dm', 'group']);
export type ConversationKind = z.infer<typeof ConversationKind>;

/** A member's role: room admins add and remove members and promote admins; DM members are both `member`. */
export const MemberRole = z.enum(['admin', 'member']);
export type MemberRole = z.infer<typeof MemberRole>;

/** A member as listed in a conversation. `role` is always sent by the directory (optional for older readers). */
export const ConversationMember = PublicUser.extend({ role: MemberRole.optional() });
export type ConversationMember = z.infer<typeof ConversationMember>;

export const Conversation = z.object({
  id: Uuid,
  kind: ConversationKind,
  /** The room's name; null for DMs. */
  name: z.string().nullable(),
  members: z.array(ConversationMember),
  /**
   * The membership version: grows by one with every member added or removed (the `epochHint` of membership
   * events). Always sent by the directory; optional for older readers.
   */
  membershipVersion: z.number().int().nonnegative().optional(),
  createdAt: Timestamp,
});
export type Conversation = z.infer<typeof Conversation>;

export const OpenDmRequest = z.object({ peerUserId: Uuid }).strict();
export type OpenDmRequest = z.infer<typeof OpenDmRequest>;
export const ConversationParams = z.object({ conversationId: Uuid }).strict();
export const ConversationResponse = z.object({ conversation: Conversation });
export type ConversationResponse = z.infer<typeof ConversationResponse>;
export const ConversationsResponse = z.object({ conversations: z.array(Conversation) });
export type ConversationsResponse = z.infer<typeof ConversationsResponse>;

// ---- group rooms ----

/** Most members a room may have. */
export const MAX_ROOM_MEMBERS = 1000;

/** A room name: 1..64 characters (code points) after trimming, no control characters. */
export const RoomName = z
  .string()
  .trim()
  .refine((s) => [...s].length >= 1, 'room name must not be empty')
  .refine((s) => [...s].length <= 64, 'room name must be at most 64 characters')
  .refine((s) => !/\p{Cc}/u.test(s), 'room name must not contain control characters');

/** POST /api/directory/rooms: a new group conversation with the caller as its only member and admin. */
export const CreateRoomRequest = z.object({ name: RoomName }).strict();
export type CreateRoomRequest = z.infer<typeof CreateRoomRequest>;

/** POST /api/directory/rooms/:conversationId/members and .../admins. */
export const RoomUserRequest = z.object({ userId: Uuid }).strict();
export type RoomUserRequest = z.infer<typeof RoomUserRequest>;

/** Path parameters of DELETE /api/directory/rooms/:conversationId/members/:userId. */
export const RoomMemberParams = z.object({ conversationId: Uuid, userId: Uuid }).strict();
