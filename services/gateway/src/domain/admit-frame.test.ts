import { describe, expect, it } from 'vitest';
import { WsCloseCode } from '@cipherlink/proto';
import { admitFrame } from './admit-frame';

describe('admitFrame', () => {
  it('accepts only auth before the socket is ready, closing with 4001 otherwise', () => {
    expect(admitFrame('awaiting-auth', 'auth')).toEqual({ kind: 'handle' });
    for (const type of ['ping', 'message.send', 'presence.watch'] as const) {
      expect(admitFrame('awaiting-auth', type)).toMatchObject({ kind: 'reject', code: 'unauthorized', close: WsCloseCode.unauthorized });
    }
  });
  it('rejects anything while an auth is being verified', () => {
    expect(admitFrame('authenticating', 'auth')).toMatchObject({ kind: 'reject', close: WsCloseCode.unauthorized });
  });
  it('handles everything but auth once ready; a second auth is a non-fatal bad request', () => {
    expect(admitFrame('ready', 'ping')).toEqual({ kind: 'handle' });
    expect(admitFrame('ready', 'message.send')).toEqual({ kind: 'handle' });
    const again = admitFrame('ready', 'auth');
    expect(again).toMatchObject({ kind: 'reject', code: 'bad_request' });
    expect(again.kind === 'reject' && again.close).toBeUndefined();
  });
  it('ignores frames on closed sockets', () => {
    expect(admitFrame('closed', 'ping')).toEqual({ kind: 'ignore' });
  });
});
