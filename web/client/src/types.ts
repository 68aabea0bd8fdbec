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

/**
 * Why the server ended the session without this client asking: `revoked` (ended from another session, by a
 * password change elsewhere, or as a stolen token), `expired` (the refresh was refused), `refused` (a freshly
 * refreshed token was refused by the realtime gateway), `replaced` (another account signed in in this browser).
 */
export type SessionEndReason = 'revoked' | 'expired' | 'refused' | 'replaced';

/**
 * Why the client is signed out: this tab asked for it (`logout`, `logout-everywhere`, `account-deleted`),
 * another tab of the same browser did (`other-tab-*`), or the server ended the session (`session-ended`, which
 * also emits 'session-ended' with the details).
 */
export type SignOutReason =
  | 'logout'
  | 'logout-everywhere'
  | 'account-deleted'
  | 'session-ended'
  | 'other-tab-logout'
  | 'other-tab-logout-everywhere'
  | 'other-tab-account-deleted'
  | 'other-tab-session-ended';

export interface ClientEvents {
  /** A message arrived, was acknowledged, or changed status. */
  message: DecryptedMessage;
  presence: PresenceState;
  /** The conversation list changed (a DM was opened with us). */
  conversations: Conversation[];
  connection: ConnectionState;
  /**
   * The server ended this session (revoked elsewhere, refresh refused): the socket stopped reconnecting. Followed
   * by 'signedOut' with reason 'session-ended'.
   */
  'session-ended': { reason: SessionEndReason };
  /** The client is signed out, whatever the cause; every session-bound state is gone. */
  signedOut: { reason: SignOutReason };
}

export type Unsubscribe = () => void;

export interface Session {
  user: PublicUser;
  deviceId: string;
  /** The server's id of this sign-in (see `listSessions`, where it is marked `current`). */
  sessionId: string;
}
