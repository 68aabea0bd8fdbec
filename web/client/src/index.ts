/**
 * @cipherlink/client: the CipherLink SDK (no React). Browser and Node 20; for Node use `@cipherlink/client/node`,
 * which supplies the `ws` WebSocket and the cookie jar.
 */
export { CipherLinkClient, type CipherLinkClientOptions } from './cipherlink-client';
export type {
  ClientEvents,
  ConnectionState,
  DecryptedMessage,
  MessageBody,
  MessageStatus,
  Session,
  SessionEndReason,
  SignOutReason,
  Unsubscribe,
} from './types';
export type { SessionInfo, SecurityEvent, SecurityEventKind, SessionsResponse } from '@cipherlink/proto';
export type { DeviceKeys, KeyStore } from './store/key-store';
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
export { NotSignedInError, UnsupportedConversationError, SendRejectedError, AckTimeoutError } from './errors';
export { NoDeviceError } from './peer-directory';
export { uuidv7, createUuidV7Generator } from './uuidv7';
export * as crypto from './crypto';
