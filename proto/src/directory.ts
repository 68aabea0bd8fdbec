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

export const Conversation = z.object({
  id: Uuid,
  kind: ConversationKind,
  name: z.string().nullable(),
  members: z.array(PublicUser),
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
