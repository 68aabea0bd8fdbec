import { describe, expect, it } from 'vitest';
import type { RoomMember } from '@cipherlink/client';
import { devicesText, memberActions, myRoleIn, sortMembers, trustBadge } from './rooms';

const member = (userId: string, username: string, role: RoomMember['role'], devices: RoomMember['devices'] = []): RoomMember => ({
  userId,
  username,
  role,
  joinedAt: '2025-01-01T00:00:00.000Z',
  trust: 'unverified',
  devices,
});
let nextDevice = 0;
const device = (verified: boolean) => ({ deviceId: `d${++nextDevice}`, verified, certifiedAt: 1, current: false });

const me = member('u-me', 'me', 'admin');
const ann = member('u-ann', 'ann', 'member');
const zed = member('u-zed', 'zed', 'admin');

describe('memberActions', () => {
  it('lets an admin promote members and remove anyone but themselves', () => {
    expect(memberActions(ann, 'admin', me.userId)).toEqual({ promote: true, remove: true, safetyNumber: true });
    expect(memberActions(zed, 'admin', me.userId)).toEqual({ promote: false, remove: true, safetyNumber: true });
    expect(memberActions(me, 'admin', me.userId)).toEqual({ promote: false, remove: false, safetyNumber: false });
  });

  it('lets a member only compare safety numbers', () => {
    expect(memberActions(zed, 'member', ann.userId)).toEqual({ promote: false, remove: false, safetyNumber: true });
    expect(memberActions(ann, null, 'u-gone')).toEqual({ promote: false, remove: false, safetyNumber: true });
  });
});

describe('sortMembers and myRoleIn', () => {
  it('lists admins first with the local user first, then members by name', () => {
    const list = sortMembers([member('u-b', 'bea', 'member'), zed, ann, me], me.userId);
    expect(list.map((m) => m.username)).toEqual(['me', 'zed', 'ann', 'bea']);
    expect(myRoleIn(list, me.userId)).toBe('admin');
    expect(myRoleIn(list, 'u-stranger')).toBeNull();
  });
});

describe('devicesText', () => {
  it('counts devices and the unverified ones', () => {
    expect(devicesText([])).toEqual({ text: 'No devices', unverified: 0 });
    expect(devicesText([device(true)])).toEqual({ text: '1 device', unverified: 0 });
    expect(devicesText([device(true), device(false), device(false)])).toEqual({ text: '3 devices', unverified: 2 });
  });
});

describe('trustBadge', () => {
  it('marks verified and changed keys, and leaves trust-on-first-use unbadged', () => {
    expect(trustBadge('verified')).toEqual({ label: 'Verified', tone: 'verified' });
    expect(trustBadge('changed')?.tone).toBe('alert');
    expect(trustBadge('no-identity')?.tone).toBe('muted');
    expect(trustBadge('unverified')).toBeNull();
  });
});
