import { KeyPackageStoredEvent, MessageStoredEvent, PresenceChangedEvent, subjects } from '@cipherlink/proto';
import { subscribeEphemeral, type Logger, type Nats } from '@cipherlink/kit';
import type { SubscriptionChanges } from '../domain/routing-table';
import { routingSubscriptions } from '../metrics';

type Subscription = ReturnType<typeof subscribeEphemeral>;

export interface RoutedEventHandlers {
  onMessageStored(event: MessageStoredEvent): void;
  /** `userId` is the id this gateway subscribed for (lowercase), not the payload's spelling. */
  onPresenceChanged(userId: string, event: PresenceChangedEvent): void;
  /** `deviceId` is the id this gateway subscribed for (lowercase). */
  onKeyPackageStored(deviceId: string, event: KeyPackageStoredEvent): void;
}

/**
 * The core NATS subscriptions behind the routing table: one per conversation, one per watched user and one per
 * connected device (its key packages) on this gateway, opened and closed exactly when the table's reference counts
 * cross zero.
 */
export class RoutingSubscriptions {
  private readonly conversations = new Map<string, Subscription>();
  private readonly users = new Map<string, Subscription>();
  private readonly devices = new Map<string, Subscription>();

  constructor(
    private readonly nats: Nats,
    private readonly logger: Logger,
    private readonly handlers: RoutedEventHandlers,
  ) {}

  /** Apply the subscription changes a routing-table mutation returned. */
  apply(changes: SubscriptionChanges): void {
    for (const conv of changes.subscribeConversations) {
      if (this.conversations.has(conv)) continue;
      const sub = subscribeEphemeral(this.nats, subjects.evt.messageStored(conv), MessageStoredEvent, (e) => this.handlers.onMessageStored(e), {
        logger: this.logger,
      });
      this.conversations.set(conv, sub);
    }
    for (const conv of changes.unsubscribeConversations) {
      this.conversations.get(conv)?.unsubscribe();
      this.conversations.delete(conv);
    }
    for (const user of changes.watchUsers) {
      if (this.users.has(user)) continue;
      const sub = subscribeEphemeral(this.nats, subjects.evt.presenceChanged(user), PresenceChangedEvent, (e) => this.handlers.onPresenceChanged(user, e), {
        logger: this.logger,
      });
      this.users.set(user, sub);
    }
    for (const user of changes.unwatchUsers) {
      this.users.get(user)?.unsubscribe();
      this.users.delete(user);
    }
    for (const device of changes.subscribeDevices) {
      if (this.devices.has(device)) continue;
      const sub = subscribeEphemeral(this.nats, subjects.evt.keyPackageStored(device), KeyPackageStoredEvent, (e) => this.handlers.onKeyPackageStored(device, e), {
        logger: this.logger,
      });
      this.devices.set(device, sub);
    }
    for (const device of changes.unsubscribeDevices) {
      this.devices.get(device)?.unsubscribe();
      this.devices.delete(device);
    }
    routingSubscriptions.set({ kind: 'conversation' }, this.conversations.size);
    routingSubscriptions.set({ kind: 'presence' }, this.users.size);
    routingSubscriptions.set({ kind: 'device' }, this.devices.size);
  }

  /** Make sure the server has registered every subscription made so far (before telling a client it is ready). */
  async flush(): Promise<void> {
    await this.nats.nc.flush();
  }

  get counts(): { conversations: number; users: number; devices: number } {
    return { conversations: this.conversations.size, users: this.users.size, devices: this.devices.size };
  }

  unsubscribeAll(): void {
    for (const sub of [...this.conversations.values(), ...this.users.values(), ...this.devices.values()]) sub.unsubscribe();
    this.conversations.clear();
    this.users.clear();
    this.devices.clear();
    routingSubscriptions.set({ kind: 'conversation' }, 0);
    routingSubscriptions.set({ kind: 'presence' }, 0);
    routingSubscriptions.set({ kind: 'device' }, 0);
  }
}
