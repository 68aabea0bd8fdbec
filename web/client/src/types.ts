import type { Conversation, PresenceState, PublicUser } from '@cipherlink/proto';

/**
 * The SDK surface the UI (and tests, bots, benchmarks) use. No React, no DOM beyond what the runtime provides:
 * runs in the browser and in Node 20 (Web Crypto via globalThis.crypto, WebSocket via `ws` passed in).
 */

/** What the user wrote, after decryption. Later protocol versions add kinds (reply, reaction, ...). */
export type MessageBody =
  | { kind: 'text'; text: string }
  /** Could not be decrypted (missing key, tampered, or sent to another device). Never shown as garbage. */
  | { kind: 'undecryptable'; reason: string };

export type MessageStatus = 'pending' | 'sent' | 'failed';

export interface DecryptedMessage {
  id: string;
  conversationId: string;
  /** Per-conversation sequence number; 0 while pending. */
  seq: number;
  senderUserId: string;
  senderDeviceId: string;
  createdAt: string;
  status: MessageStatus;
  body: MessageBody;
  /** True when the local user sent it. */
  mine: boolean;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ClientEvents {
  /** A message arrived, was acknowledged, or changed status. */
  message: DecryptedMessage;
  presence: PresenceState;
  /** The conversation list changed (a DM was opened with us). */
  conversations: Conversation[];
  connection: ConnectionState;
  /** The session ended (logout, refresh failed). */
  signedOut: { reason: string };
}

export type Unsubscribe = () => void;

export interface Session {
  user: PublicUser;
  deviceId: string;
}
