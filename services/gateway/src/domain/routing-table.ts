import { SetIndex } from './set-index';

/** Who is on the other end of an authenticated socket. */
export interface ConnectionIdentity {
  connectionId: string;
  userId: string;
  deviceId: string;
}

/** Where a stored message goes on this gateway. */
export interface DeliveryTargets {
  /** Every local connection whose user is a member of the conversation (the sender's own included). */
  recipients: string[];
  /** The sender user's local connections in that conversation: they also get the acknowledgement. */
  senderConnections: string[];
}

/** NATS subscription changes implied by a routing-table change (reference counts crossing zero). */
export interface SubscriptionChanges {
  subscribeConversations: string[];
  unsubscribeConversations: string[];
  watchUsers: string[];
  unwatchUsers: string[];
  /** Devices with a first local socket: subscribe to their key packages. */
  subscribeDevices: string[];
  /** Devices whose last local socket went: unsubscribe from their key packages. */
  unsubscribeDevices: string[];
}

const noChanges = (): SubscriptionChanges => ({
  subscribeConversations: [],
  unsubscribeConversations: [],
  watchUsers: [],
  unwatchUsers: [],
  subscribeDevices: [],
  unsubscribeDevices: [],
});

/**
 * The gateway's in-memory routing state: which authenticated connections it holds (by user and by device), the
 * conversations each belongs to and the users whose presence each watches. Pure bookkeeping; every mutation returns the NATS subscription
 * changes it implies so one subscription per conversation (or watched user) serves any number of local sockets.
 */
export class RoutingTable {
  private readonly connections = new Map<string, ConnectionIdentity>();
  private readonly byUser = new SetIndex();
  private readonly byDevice = new SetIndex();
  private readonly byConversation = new SetIndex();
  private readonly conversationsOf = new SetIndex();
  private readonly watchersOf = new SetIndex();
  private readonly watchedBy = new SetIndex();

  /** Number of authenticated connections. */
  get size(): number {
    return this.connections.size;
  }

  connection(connectionId: string): ConnectionIdentity | undefined {
    return this.connections.get(connectionId);
  }

  /** Register an authenticated connection with its conversations. Re-adding an id is a programming error. */
  add(identity: ConnectionIdentity, conversationIds: readonly string[]): SubscriptionChanges {
    if (this.connections.has(identity.connectionId)) throw new Error(`connection ${identity.connectionId} already registered`);
    this.connections.set(identity.connectionId, { ...identity });
    this.byUser.add(identity.userId, identity.connectionId);
    const changes = noChanges();
    if (this.byDevice.add(identity.deviceId, identity.connectionId)) changes.subscribeDevices.push(identity.deviceId);
    for (const conv of new Set(conversationIds)) {
      if (this.joinConversation(identity.connectionId, conv)) changes.subscribeConversations.push(conv);
    }
    return changes;
  }

  /** Forget a connection; returns the subscriptions nobody local needs any more. Unknown ids change nothing. */
  remove(connectionId: string): SubscriptionChanges {
    const changes = noChanges();
    const identity = this.connections.get(connectionId);
    if (!identity) return changes;
    this.connections.delete(connectionId);
    this.byUser.delete(identity.userId, connectionId);
    if (this.byDevice.delete(identity.deviceId, connectionId)) changes.unsubscribeDevices.push(identity.deviceId);
    for (const conv of this.conversationsOf.members(connectionId)) {
      this.conversationsOf.delete(connectionId, conv);
      if (this.byConversation.delete(conv, connectionId)) changes.unsubscribeConversations.push(conv);
    }
    for (const user of this.watchedBy.members(connectionId)) {
      this.watchedBy.delete(connectionId, user);
      if (this.watchersOf.delete(user, connectionId)) changes.unwatchUsers.push(user);
    }
    return changes;
  }

  /** Is the connection known to be in the conversation? */
  isMember(connectionId: string, conversationId: string): boolean {
    return this.byConversation.has(conversationId, connectionId);
  }

  /**
   * Add one conversation to one connection (a membership confirmed by the directory after the connection was
   * registered). Returns whether the gateway must now subscribe to it.
   */
  addConversation(connectionId: string, conversationId: string): SubscriptionChanges {
    const changes = noChanges();
    if (!this.connections.has(connectionId)) return changes;
    if (this.joinConversation(connectionId, conversationId)) changes.subscribeConversations.push(conversationId);
    return changes;
  }

  /** A user was added to a conversation: add it to every local connection of that user. */
  addConversationForUser(userId: string, conversationId: string): SubscriptionChanges & { connectionIds: string[] } {
    const changes = noChanges();
    const connectionIds = this.byUser.members(userId);
    for (const id of connectionIds) {
      if (this.joinConversation(id, conversationId)) changes.subscribeConversations.push(conversationId);
    }
    return { ...changes, connectionIds };
  }

  /**
   * A user left a conversation: take it away from every local connection of that user at once, so nothing more of
   * it reaches them and their sends to it are checked with the directory again (and refused).
   */
  removeConversationForUser(userId: string, conversationId: string): SubscriptionChanges & { connectionIds: string[] } {
    const changes = noChanges();
    const connectionIds = this.byUser.members(userId);
    for (const id of connectionIds) {
      if (!this.conversationsOf.has(id, conversationId)) continue;
      this.conversationsOf.delete(id, conversationId);
      if (this.byConversation.delete(conversationId, id)) changes.unsubscribeConversations.push(conversationId);
    }
    return { ...changes, connectionIds };
  }

  /** Local connections of a user. */
  connectionsOfUser(userId: string): string[] {
    return this.byUser.members(userId);
  }

  /** Local connections authenticated as a device. */
  connectionsOfDevice(deviceId: string): string[] {
    return this.byDevice.members(deviceId);
  }

  /** Local connections in a conversation. */
  connectionsInConversation(conversationId: string): string[] {
    return this.byConversation.members(conversationId);
  }

  /** Who gets a stored message of `conversationId` sent by `senderUserId`. */
  deliveryTargets(conversationId: string, senderUserId: string): DeliveryTargets {
    const recipients = this.byConversation.members(conversationId);
    const senderConnections = recipients.filter((id) => this.connections.get(id)?.userId === senderUserId);
    return { recipients, senderConnections };
  }

  /**
   * Replace the set of users a connection watches (a `presence.watch` names the full list). Callers filter the ids
   * by authorization first.
   */
  setWatches(connectionId: string, userIds: readonly string[]): SubscriptionChanges {
    const changes = noChanges();
    if (!this.connections.has(connectionId)) return changes;
    const wanted = new Set(userIds);
    for (const user of this.watchedBy.members(connectionId)) {
      if (wanted.has(user)) continue;
      this.watchedBy.delete(connectionId, user);
      if (this.watchersOf.delete(user, connectionId)) changes.unwatchUsers.push(user);
    }
    for (const user of wanted) {
      if (this.watchedBy.has(connectionId, user)) continue;
      this.watchedBy.add(connectionId, user);
      if (this.watchersOf.add(user, connectionId)) changes.watchUsers.push(user);
    }
    return changes;
  }

  /** Local connections watching a user's presence. */
  watchersOfUser(userId: string): string[] {
    return this.watchersOf.members(userId);
  }

  /** Conversations with at least one local connection (each needs one NATS subscription). */
  subscribedConversations(): string[] {
    return this.byConversation.keys();
  }

  /** Users with at least one local watcher (each needs one NATS subscription). */
  watchedUsers(): string[] {
    return this.watchersOf.keys();
  }

  /** Devices with at least one local socket (each needs one key-package subscription). */
  connectedDevices(): string[] {
    return this.byDevice.keys();
  }

  private joinConversation(connectionId: string, conversationId: string): boolean {
    if (this.byConversation.has(conversationId, connectionId)) return false;
    this.conversationsOf.add(connectionId, conversationId);
    return this.byConversation.add(conversationId, connectionId);
  }
}
