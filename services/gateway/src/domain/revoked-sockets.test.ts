import { describe, expect, it } from 'vitest';
import { socketsToClose, type SocketSession } from './revoked-sockets';

const ALICE = '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e10';
const BOB = '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e11';
const S1 = '6f1c1a52-3c55-4bb0-9a8e-0d0c3e0f0001';
const S2 = '6f1c1a52-3c55-4bb0-9a8e-0d0c3e0f0002';
const S3 = '6f1c1a52-3c55-4bb0-9a8e-0d0c3e0f0003';

const sockets: SocketSession[] = [
  { connectionId: 'a1', userId: ALICE, sessionId: S1 },
  { connectionId: 'a1-tab2', userId: ALICE, sessionId: S1 },
  { connectionId: 'a2', userId: ALICE, sessionId: S2 },
  { connectionId: 'b3', userId: BOB, sessionId: S3 },
];

describe('socketsToClose', () => {
  it('closes every socket of the listed sessions and nothing else', () => {
    expect(socketsToClose({ userId: ALICE, sessionIds: [S1], allSessions: false }, sockets)).toEqual(['a1', 'a1-tab2']);
    expect(socketsToClose({ userId: ALICE, sessionIds: [S1, S2], allSessions: false }, sockets)).toEqual(['a1', 'a1-tab2', 'a2']);
  });
  it('closes every socket of the user with allSessions, even with no session listed', () => {
    expect(socketsToClose({ userId: ALICE, sessionIds: [], allSessions: true }, sockets)).toEqual(['a1', 'a1-tab2', 'a2']);
  });
  it("never closes another user's socket, even when the event names that user's session", () => {
    expect(socketsToClose({ userId: ALICE, sessionIds: [S3], allSessions: false }, sockets)).toEqual([]);
    expect(socketsToClose({ userId: BOB, sessionIds: [], allSessions: true }, sockets)).toEqual(['b3']);
  });
  it('compares ids case-insensitively', () => {
    expect(socketsToClose({ userId: ALICE.toUpperCase(), sessionIds: [S2.toUpperCase()], allSessions: false }, sockets)).toEqual(['a2']);
  });
  it('closes nothing for an empty session list without allSessions', () => {
    expect(socketsToClose({ userId: ALICE, sessionIds: [], allSessions: false }, sockets)).toEqual([]);
  });
});
