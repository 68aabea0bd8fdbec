import { describe, expect, it } from 'vitest';
import type { Conversation } from '@cipherlink/proto';
import type { DecryptedMessage } from '@cipherlink/client';
import { memberCountText, nameOf, peerOf, previewOf, titleOf } from './conversation';

const alice = { id: '00000000-0000-4000-8000-00000000000a', username: 'alice' };
const bob = { id: '00000000-0000-4000-8000-00000000000b', username: 'bob' };
const carol = { id: '00000000-0000-4000-8000-00000000000c', username: 'carol' };

const dm: Conversation = { id: 'c-dm', kind: 'dm', name: null, members: [alice, bob], createdAt: '2025-01-01T00:00:00.000Z' };
const room: Conversation = {
  id: 'c-room',
  kind: 'group',
  name: 'Book club',
  members: [
    { ...alice, role: 'admin' },
    { ...bob, role: 'member' },
  ],
  membershipVersion: 2,
  createdAt: '2025-01-01T00:00:00.000Z',
};

const message = (over: Partial<DecryptedMessage>): DecryptedMessage => ({
  id: 'm1',
  conversationId: room.id,
  seq: 1,
  senderUserId: bob.id,
  senderDeviceId: 'd',
  createdAt: '2025-01-01T00:00:01.000Z',
  status: 'sent',
  body: { kind: 'text', text: 'See you   there' },
  mine: false,
  ...over,
});

describe('titles and names', () => {
  it('names a DM after the other person and a room after its name', () => {
    expect(titleOf(dm, alice.id)).toBe('bob');
    expect(peerOf(dm, bob.id)?.username).toBe('alice');
    expect(titleOf(room, alice.id)).toBe('Book club');
    expect(titleOf({ ...room, name: '  ' }, alice.id)).toBe('Unnamed room');
  });

  it('labels senders, including someone who has left', () => {
    expect(nameOf(room, bob.id, alice.id)).toBe('bob');
    expect(nameOf(room, alice.id, alice.id)).toBe('You');
    expect(nameOf(room, carol.id, alice.id)).toBe('Former member');
  });

  it('counts members', () => {
    expect(memberCountText(1)).toBe('1 member');
    expect(memberCountText(3)).toBe('3 members');
  });
});

describe('previewOf', () => {
  it('says who wrote the last message of a room, and never the sender of a DM', () => {
    expect(previewOf(message({}), room, alice.id)).toBe('bob: See you there');
    expect(previewOf(message({ conversationId: dm.id }), dm, alice.id)).toBe('See you there');
    expect(previewOf(message({ mine: true, senderUserId: alice.id }), room, alice.id)).toBe('You: See you there');
  });

  it('never previews what is not text as text', () => {
    expect(previewOf(message({ body: { kind: 'deleted', reason: 'deleted' } }), room, alice.id)).toBe('bob: Message deleted');
    expect(previewOf(message({ body: { kind: 'undecryptable', reason: 'x', code: 'waiting-for-key', retrying: true } }))).toBe('Waiting for this message…');
  });
});
