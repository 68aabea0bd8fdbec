import { describe, expect, it } from 'vitest';
import { MAX_ROOM_MEMBERS, type MemberRole } from '@cipherlink/proto';
import { decideAddMember, decidePromote, decideRemoveMember, successorAdmin, type RoomState } from './room-policy';

const room = (members: Record<string, MemberRole>, kind: RoomState['kind'] = 'group'): RoomState => ({ kind, members: new Map(Object.entries(members)) });

describe('decideAddMember', () => {
  it('lets admins add, idempotently', () => {
    const r = room({ ann: 'admin', bob: 'member' });
    expect(decideAddMember(r, 'ann', 'cat')).toEqual({ kind: 'add' });
    expect(decideAddMember(r, 'ANN', 'BOB')).toEqual({ kind: 'already_member' });
  });
  it('refuses members who are not admins with forbidden, and outsiders, DMs and unknown rooms with not_found', () => {
    const r = room({ ann: 'admin', bob: 'member' });
    expect(decideAddMember(r, 'bob', 'cat')).toEqual({ kind: 'forbidden' });
    expect(decideAddMember(r, 'eve', 'cat')).toEqual({ kind: 'not_found' });
    expect(decideAddMember(undefined, 'ann', 'cat')).toEqual({ kind: 'not_found' });
    expect(decideAddMember(room({ ann: 'member', bob: 'member' }, 'dm'), 'ann', 'cat')).toEqual({ kind: 'not_found' });
  });
  it('refuses a full room', () => {
    const members: Record<string, MemberRole> = { ann: 'admin' };
    for (let i = 1; i < MAX_ROOM_MEMBERS; i++) members[`u${i}`] = 'member';
    expect(decideAddMember(room(members), 'ann', 'one-too-many')).toEqual({ kind: 'full' });
  });
});

describe('decideRemoveMember', () => {
  it('lets anyone leave and admins remove anyone', () => {
    const r = room({ ann: 'admin', bob: 'member', cat: 'member' });
    expect(decideRemoveMember(r, 'bob', 'bob')).toEqual({ kind: 'remove', reason: 'left', lastMember: false });
    expect(decideRemoveMember(r, 'ann', 'cat')).toEqual({ kind: 'remove', reason: 'removed', lastMember: false });
  });
  it('refuses a member removing someone else, and hides the room from outsiders', () => {
    const r = room({ ann: 'admin', bob: 'member', cat: 'member' });
    expect(decideRemoveMember(r, 'bob', 'cat')).toEqual({ kind: 'forbidden' });
    expect(decideRemoveMember(r, 'eve', 'eve')).toEqual({ kind: 'not_found' });
    expect(decideRemoveMember(r, 'ann', 'eve')).toEqual({ kind: 'not_member' });
  });
  it('keeps the last admin while others remain, but lets a second admin go and the last member leave', () => {
    expect(decideRemoveMember(room({ ann: 'admin', bob: 'member' }), 'ann', 'ann')).toEqual({ kind: 'last_admin' });
    const two = room({ ann: 'admin', bob: 'admin', cat: 'member' });
    expect(decideRemoveMember(two, 'bob', 'ann')).toEqual({ kind: 'remove', reason: 'removed', lastMember: false });
    expect(decideRemoveMember(two, 'ann', 'ann')).toEqual({ kind: 'remove', reason: 'left', lastMember: false });
    expect(decideRemoveMember(room({ ann: 'admin' }), 'ann', 'ann')).toEqual({ kind: 'remove', reason: 'left', lastMember: true });
  });
});

describe('decidePromote', () => {
  it('lets admins promote members, idempotently', () => {
    const r = room({ ann: 'admin', bob: 'member' });
    expect(decidePromote(r, 'ann', 'bob')).toEqual({ kind: 'promote' });
    expect(decidePromote(r, 'ann', 'ann')).toEqual({ kind: 'already_admin' });
    expect(decidePromote(r, 'bob', 'bob')).toEqual({ kind: 'forbidden' });
    expect(decidePromote(r, 'ann', 'eve')).toEqual({ kind: 'not_member' });
    expect(decidePromote(r, 'eve', 'bob')).toEqual({ kind: 'not_found' });
  });
});

describe('successorAdmin', () => {
  const at = (s: number) => new Date(s * 1000);
  it('promotes the earliest member when no admin is left', () => {
    expect(successorAdmin([{ userId: 'b', role: 'member', joinedAt: at(2) }, { userId: 'c', role: 'member', joinedAt: at(1) }])).toBe('c');
    expect(successorAdmin([{ userId: 'b', role: 'member', joinedAt: at(1) }, { userId: 'a', role: 'member', joinedAt: at(1) }])).toBe('a');
  });
  it('promotes nobody when an admin remains or the room is empty', () => {
    expect(successorAdmin([{ userId: 'b', role: 'admin', joinedAt: at(2) }, { userId: 'c', role: 'member', joinedAt: at(1) }])).toBeUndefined();
    expect(successorAdmin([])).toBeUndefined();
  });
});
