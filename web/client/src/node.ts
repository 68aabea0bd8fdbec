import WebSocket from 'ws';
import { CipherLinkClient, type CipherLinkClientOptions } from './cipherlink-client';
import { MemoryKeyStore } from './store/memory-key-store';
import type { WebSocketConstructor } from './transport/websocket-like';

export * from './index';

/** The `ws` package's WebSocket, typed for the SDK. */
export const NodeWebSocket: WebSocketConstructor = WebSocket;

/**
 * A client ready for Node 20 (bots, tests, benchmarks): `ws` for the socket, an in-memory cookie jar for the
 * refresh cookie, and an in-memory key store unless one is given.
 */
export function createNodeClient(opts: { baseUrl: string } & Partial<CipherLinkClientOptions>): CipherLinkClient {
  return new CipherLinkClient({ keyStore: new MemoryKeyStore(), WebSocket: NodeWebSocket, cookieJar: true, ...opts });
}
