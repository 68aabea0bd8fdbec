/**
 * @cipherlink/client: the CipherLink SDK (no React). Browser and Node 20; for Node use `@cipherlink/client/node`,
 * which supplies the `ws` WebSocket and the cookie jar. The protocol v1 API is described in web/client/V1_API.md.
 */
export { CipherLinkClient, type CipherLinkClientOptions } from './cipherlink-client';
export type {
  BackupStatus,
  ClientEvents,
  ConnectionState,
  DecryptedMessage,
  EncryptionState,
  IdentityChangedEvent,
  MessageBody,
  MessageStatus,
  OwnDevice,
  ReactionSummary,
  ReplyReference,
  RoomMember,
  SafetyNumberView,
  SearchOptions,
  SearchResult,
  SecurityNotice,
  Session,
  SessionEndReason,
  SignInResult,
  SignOutReason,
  TextRange,
  TextSnippet,
  TrustState,
  UndecryptableCode,
  Unsubscribe,
} from './types';
export type { SessionInfo, SecurityEvent, SecurityEventKind, SessionsResponse } from '@cipherlink/proto';
export type { DeviceKeys, KeyStore, StoredRecord } from './store/key-store';
export { MemoryKeyStore } from './store/memory-key-store';
export { IndexedDbKeyStore } from './store/indexed-db-key-store';
export { ApiError, InvalidResponseError } from './transport/api-error';
export { NotConnectedError } from './transport/socket-client';
export {
  AUTH_CHANNEL_NAME,
  REFRESH_LOCK_NAME,
  TokenSync,
  type BroadcastChannelLike,
  type HeldToken,
  type LockManagerLike,
  type TabSignOutReason,
} from './transport/token-sync';
export type { WebSocketConstructor, WebSocketLike } from './transport/websocket-like';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './transport/backoff';
export {
  AckTimeoutError,
  BackupIdentityMismatchError,
  EditNotAllowedError,
  EncryptionNotReadyError,
  MessageNotFoundError,
  MessageTooLongError,
  NoKeyBackupError,
  NotSignedInError,
  SendRejectedError,
  UnsupportedConversationError,
  UntrustedIdentityError,
} from './errors';
export { InvalidRecoveryKeyError, WrongBackupKeyError, type ScanResult } from './crypto/v1';
export { NoDeviceError } from './peer-directory';
export { uuidv7, createUuidV7Generator } from './uuidv7';
export * as crypto from './crypto';
