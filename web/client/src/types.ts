import type { Conversation, PresenceState, PublicUser } from '@cipherlink/proto';
import type { TrustState } from './e2ee/trust';
import type { SearchOptions, TextRange, TextSnippet } from './search';

export type { SearchOptions, TextRange, TextSnippet, TrustState };

/**
 * The SDK surface the UI (and tests, bots, benchmarks) use. No React, no DOM beyond what the runtime provides:
 * runs in the browser and in Node 20 (Web Crypto via globalThis.crypto, WebSocket via `ws` passed in).
 */

/**
 * Why a message is not shown as text. `waiting-for-key` is "can't decrypt yet": the sender's key has not arrived;
 * the SDK decrypts it again by itself when it does. The others are final, except `offline` (retried on the next sync).
 */
export type UndecryptableCode = 'waiting-for-key' | 'untrusted-sender' | 'rejected' | 'legacy' | 'offline';

/** What the user wrote, after decryption. */
export type MessageBody =
  | { kind: 'text'; text: string }
  /** The author deleted it (a tombstone). */
  | { kind: 'deleted'; reason: string }
  /** Not readable (yet). Never shown as garbage. `code` and `retrying` are always set by the v1 SDK. */
  | { kind: 'undecryptable'; reason: string; code?: UndecryptableCode; retrying?: boolean };

/** The message a text answers, with the start of its text as the sender saw it. */
export interface ReplyReference {
  messageId: string;
  quote?: string;
}

/** One emoji on a message, aggregated over the members who reacted with it. */
export interface ReactionSummary {
  emoji: string;
  userIds: string[];
  /** The local user is one of them. */
  mine: boolean;
}

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
  /** The protocol it was encrypted with: 1 for everything new, 0 for old history. */
  protocol?: 0 | 1;
  replyTo?: ReplyReference;
  /** Set when an edit by the author was applied (`body.text` is the latest text). */
  editedAt?: string;
  /** Reactions, in the order they were first added. Absent when there are none. */
  reactions?: ReactionSummary[];
}

/**
 * A message `search` found: where it is, who wrote it and when, its text as shown now (after edits) and the part of
 * it to show in a result list, with the words the query matched.
 */
export interface SearchResult {
  messageId: string;
  conversationId: string;
  senderUserId: string;
  /** True when the local user sent it. */
  mine: boolean;
  createdAt: string;
  /** Set when the text is an edit by its author. */
  editedAt?: string;
  text: string;
  /** The whole text when short, else a window around the first match (cut with "…"); highlights are its ranges. */
  snippet: TextSnippet;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * End-to-end encryption on this device: `ready` (keys present, socket running), `needs-restore` (the user has keys
 * elsewhere: restore from the recovery key or passphrase, or reset), `device-removed` (this device was removed from
 * the account or its identity was reset elsewhere), `idle` (signed out).
 */
export type EncryptionState = 'idle' | 'ready' | 'needs-restore' | 'device-removed';

/** The key backup as this device sees it. */
export interface BackupStatus {
  /** The version on the server when last read or written; null when unknown or none. */
  version: number | null;
  uploading: boolean;
  /** This device can update the backup (it opened or created the backup and holds its writer). */
  canUpdate: boolean;
  /** This device can add or change the backup passphrase (it holds the recovery key). */
  canSetPassphrase: boolean;
  /** The backup has a passphrase slot (updates keep it as it is). */
  hasPassphrase: boolean;
  lastError?: string;
}

export interface IdentityChangedEvent {
  userId: string;
  /** Conversations shared with the user (where the app shows "safety number changed"). */
  conversationIds: string[];
  wasVerified: boolean;
  /** Sending to them is blocked until `acceptIdentityChange(userId)`. */
  blocked: boolean;
}

export interface SecurityNotice {
  userId: string;
  kind: 'identity-changed';
  at: string;
}

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
  /** A message is no longer shown: an item that could not be decrypted turned out to be a reaction, edit or delete. */
  'message-removed': { conversationId: string; id: string };
  encryption: { state: EncryptionState };
  'identity-changed': IdentityChangedEvent;
  backup: BackupStatus;
}

export type Unsubscribe = () => void;

export interface Session {
  user: PublicUser;
  /** This device's id; empty while encryption is `needs-restore` (the device is not registered yet). */
  deviceId: string;
  /** The server's id of this sign-in (see `listSessions`, where it is marked `current`). */
  sessionId: string;
}

/** What `login` and `resume` resolve with. */
export interface SignInResult extends Session {
  encryption: EncryptionState;
  /** Only on the sign-in that created the user's keys: show it once, the user writes it down. */
  recoveryKey?: string;
}

/** A member of a conversation with roles and keys, as `listMembers` returns it. */
export interface RoomMember {
  userId: string;
  username: string;
  role: 'admin' | 'member';
  joinedAt: string;
  trust: TrustState;
  devices: { deviceId: string; verified: boolean; certifiedAt: number; current: boolean }[];
}

/** One of this user's devices. */
export interface OwnDevice {
  deviceId: string;
  certifiedAt: number;
  current: boolean;
}

/** The safety number of this user and a contact. */
export interface SafetyNumberView {
  /** 60 digits. */
  digits: string;
  /** 12 groups of 5 digits, as shown. */
  groups: string[];
  /** What the app draws as a QR code. */
  qrPayload: Uint8Array;
}
