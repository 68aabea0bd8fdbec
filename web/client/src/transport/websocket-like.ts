/**
 * The part of the WebSocket API the SDK uses, satisfied by the browser's global WebSocket and by the `ws` package.
 * Handler types are bivariant (method syntax) so both runtimes' event types fit.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** WebSocket.OPEN in both runtimes. */
export const WS_OPEN = 1;
