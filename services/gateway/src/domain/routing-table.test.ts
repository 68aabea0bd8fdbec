import { describe, expect, it } from 'vitest';
import { RoutingTable } from './routing-table';

const alice = (n: number) => ({ connectionId: `a${n}`, userId: 'alice', deviceId: `ad${n}` });
const bob = (n: number) => ({ connectionId: `b${n}`, userId: 'bob', deviceId: `bd${n}` });

describe('RoutingTable', () => {
  it('subscribes a conversation once however many sockets share it, and unsubscribes after the last', () => {
    const t = new RoutingTable();
    expect(t.add(alice(1), ['c1', 'c2']).subscribeConversations).toEqual(['c1', 'c2']);
    expect(t.add(alice(2), ['c1']).subscribeConversations).toEqual([]);
    expect(t.add(bob(1), ['c1', 'c3']).subscribeConversations).toEqual(['c3']);
    expect(t.remove('a1').unsubscribeConversations).toEqual(['c2']);
    expect(t.remove('b1').unsubscribeConversations).toEqual(['c3']);
    expect(t.remove('a2').unsubscribeConversations).toEqual(['c1']);
    expect(t.subscribedConversations()).toEqual([]);
    expect(t.size).toBe(0);
  });

  it('deduplicates conversation ids and rejects a connection registered twice', () => {
    const t = new RoutingTable();
    expect(t.add(alice(1), ['c1', 'c1']).subscribeConversations).toEqual(['c1']);
    expect(() => t.add(alice(1), [])).toThrow(/already registered/);
  });

  it('routes stored messages to member sockets and acks to the sender user only', () => {
    const t = new RoutingTable();
    t.add(alice(1), ['c1']);
    t.add(alice(2), ['c1']);
    t.add(bob(1), ['c1']);
    t.add({ connectionId: 'e1', userId: 'eve', deviceId: 'ed' }, ['c9']);
    const targets = t.deliveryTargets('c1', 'alice');
    expect(targets.recipients.sort()).toEqual(['a1', 'a2', 'b1']);
    expect(targets.senderConnections.sort()).toEqual(['a1', 'a2']);
    expect(t.deliveryTargets('c-unknown', 'alice')).toEqual({ recipients: [], senderConnections: [] });
  });

  it('adds a conversation to every socket of a user that was added to it', () => {
    const t = new RoutingTable();
    t.add(bob(1), []);
    t.add(bob(2), []);
    const added = t.addConversationForUser('bob', 'c5');
    expect(added.connectionIds.sort()).toEqual(['b1', 'b2']);
    expect(added.subscribeConversations).toEqual(['c5']);
    expect(t.isMember('b1', 'c5') && t.isMember('b2', 'c5')).toBe(true);
    expect(t.addConversationForUser('bob', 'c5').subscribeConversations).toEqual([]);
    expect(t.addConversationForUser('nobody-here', 'c6')).toMatchObject({ connectionIds: [], subscribeConversations: [] });
  });

  it('adds a single confirmed conversation only to a known connection', () => {
    const t = new RoutingTable();
    t.add(alice(1), []);
    expect(t.addConversation('a1', 'c1').subscribeConversations).toEqual(['c1']);
    expect(t.addConversation('a1', 'c1').subscribeConversations).toEqual([]);
    expect(t.addConversation('ghost', 'c2').subscribeConversations).toEqual([]);
    expect(t.isMember('ghost', 'c2')).toBe(false);
  });

  it('replaces watch sets and ref-counts watched users', () => {
    const t = new RoutingTable();
    t.add(alice(1), []);
    t.add(alice(2), []);
    expect(t.setWatches('a1', ['bob', 'carol']).watchUsers.sort()).toEqual(['bob', 'carol']);
    expect(t.setWatches('a2', ['bob']).watchUsers).toEqual([]);
    const change = t.setWatches('a1', ['dave']);
    expect(change.unwatchUsers).toEqual(['carol']);
    expect(change.watchUsers).toEqual(['dave']);
    expect(t.watchersOfUser('bob')).toEqual(['a2']);
    expect(t.remove('a2').unwatchUsers).toEqual(['bob']);
    expect(t.remove('a1').unwatchUsers).toEqual(['dave']);
    expect(t.watchedUsers()).toEqual([]);
  });

  it('subscribes a device once for all its sockets and finds them', () => {
    const t = new RoutingTable();
    expect(t.add(alice(1), []).subscribeDevices).toEqual(['ad1']);
    expect(t.add({ connectionId: 'a1-tab2', userId: 'alice', deviceId: 'ad1' }, []).subscribeDevices).toEqual([]);
    expect(t.connectionsOfDevice('ad1').sort()).toEqual(['a1', 'a1-tab2']);
    expect(t.remove('a1').unsubscribeDevices).toEqual([]);
    expect(t.remove('a1-tab2').unsubscribeDevices).toEqual(['ad1']);
    expect(t.connectedDevices()).toEqual([]);
  });

  it("takes a conversation away from every socket of a removed user, and only theirs", () => {
    const t = new RoutingTable();
    t.add(alice(1), ['c1', 'c2']);
    t.add(alice(2), ['c1']);
    t.add(bob(1), ['c1']);
    const removed = t.removeConversationForUser('alice', 'c1');
    expect(removed.connectionIds.sort()).toEqual(['a1', 'a2']);
    // Bob still needs c1 on this gateway: no unsubscribe yet.
    expect(removed.unsubscribeConversations).toEqual([]);
    expect(t.isMember('a1', 'c1') || t.isMember('a2', 'c1')).toBe(false);
    expect(t.isMember('a1', 'c2') && t.isMember('b1', 'c1')).toBe(true);
    expect(t.deliveryTargets('c1', 'bob').recipients).toEqual(['b1']);
    expect(t.removeConversationForUser('bob', 'c1').unsubscribeConversations).toEqual(['c1']);
    expect(t.removeConversationForUser('bob', 'c1').unsubscribeConversations).toEqual([]);
    // Removing the connection later releases only what it still holds.
    expect(t.remove('a1').unsubscribeConversations).toEqual(['c2']);
  });

  it('ignores removal of unknown connections', () => {
    const t = new RoutingTable();
    expect(t.remove('nope')).toEqual({
      subscribeConversations: [],
      unsubscribeConversations: [],
      watchUsers: [],
      unwatchUsers: [],
      subscribeDevices: [],
      unsubscribeDevices: [],
    });
  });
});
