import { WsCloseCode, type ClientFrame, type ErrorCode } from '@cipherlink/proto';

/** Where a socket is in its lifecycle. */
export type ConnectionPhase = 'awaiting-auth' | 'authenticating' | 'ready' | 'closed';

export type FrameAdmission =
  | { kind: 'handle' }
  | { kind: 'ignore' }
  | { kind: 'reject'; code: ErrorCode; message: string; close?: number };

/**
 * Whether a valid frame may be handled in the connection's current phase. Only `auth` is accepted before the
 * socket is ready; anything else there (or a second auth while one is being checked) is an unauthorized client
 * and the socket is closed. A repeated `auth` on a ready socket is a client bug, answered but not fatal.
 */
export function admitFrame(phase: ConnectionPhase, type: ClientFrame['type']): FrameAdmission {
  switch (phase) {
    case 'closed':
      return { kind: 'ignore' };
    case 'awaiting-auth':
      return type === 'auth'
        ? { kind: 'handle' }
        : { kind: 'reject', code: 'unauthorized', message: 'authenticate first', close: WsCloseCode.unauthorized };
    case 'authenticating':
      return { kind: 'reject', code: 'unauthorized', message: 'authentication in progress', close: WsCloseCode.unauthorized };
    case 'ready':
      return type === 'auth' ? { kind: 'reject', code: 'bad_request', message: 'already authenticated' } : { kind: 'handle' };
  }
}
