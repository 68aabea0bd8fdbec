import { publishDurable, publishEphemeral, type Logger, type Nats } from '@cipherlink/kit';
import {
  DeviceRegisteredEvent,
  DevicesChangedEvent,
  IdentityKeyChangedEvent,
  MemberAddedEvent,
  MemberRemovedEvent,
  subjects,
  type Conversation,
  type Device,
  type DeviceChange,
  type MemberRemovedReason,
} from '@cipherlink/proto';
import type { z } from 'zod';
import type { MembershipChange } from '../store/room-store';

const RETRY_DELAYS_MS = [100, 400];

/**
 * Publish a durable event after the commit it announces, retrying briefly. A final failure is logged, not thrown:
 * the change is committed and the client has its answer; sockets pick the state up on their next (re)connect
 * through `conversations-of-user` and the clients' own refetches. `msgId` lets JetStream drop a retried publish.
 */
async function publishAfterCommit<S extends z.ZodType>(
  nats: Nats,
  logger: Logger,
  subject: string,
  schema: S,
  payload: z.input<S>,
  msgId: string,
  what: Record<string, unknown>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await publishDurable(nats, subject, schema, payload, { msgId });
      return;
    } catch (err) {
      if (attempt >= RETRY_DELAYS_MS.length) return void logger.error({ err, subject, ...what }, 'event publish failed');
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
    }
  }
}

/** Announce every member of a newly created DM so gateways subscribe their sockets. */
export async function publishMembersAdded(nats: Nats, conversation: Conversation, logger: Logger): Promise<void> {
  const version = conversation.membershipVersion ?? 1;
  await Promise.all(
    conversation.members.map((member) =>
      publishMemberAdded(nats, { conversationId: conversation.id, kind: conversation.kind, userId: member.id, version }, logger),
    ),
  );
}

/** A user joined a conversation (JetStream `member-added.<conv>`). */
export function publishMemberAdded(nats: Nats, change: MembershipChange, logger: Logger): Promise<void> {
  return publishAfterCommit(
    nats,
    logger,
    subjects.evt.memberAdded(change.conversationId),
    MemberAddedEvent,
    {
      v: 1,
      conversationId: change.conversationId,
      conversationKind: change.kind,
      userId: change.userId,
      epochHint: change.version,
      occurredAt: new Date().toISOString(),
    },
    `${change.conversationId}:${change.userId}:added:${change.version}`,
    { conversationId: change.conversationId, userId: change.userId },
  );
}

/** A user left or was removed (JetStream `member-removed.<conv>`): gateways stop routing to them at once. */
export function publishMemberRemoved(nats: Nats, change: MembershipChange, reason: MemberRemovedReason, logger: Logger): Promise<void> {
  return publishAfterCommit(
    nats,
    logger,
    subjects.evt.memberRemoved(change.conversationId),
    MemberRemovedEvent,
    {
      v: 1,
      conversationId: change.conversationId,
      conversationKind: change.kind,
      userId: change.userId,
      epochHint: change.version,
      reason,
      occurredAt: new Date().toISOString(),
    },
    `${change.conversationId}:${change.userId}:removed:${change.version}`,
    { conversationId: change.conversationId, userId: change.userId },
  );
}

/** A device was registered or removed (JetStream `devices-changed.<user>`). */
export function publishDevicesChanged(nats: Nats, userId: string, change: DeviceChange, deviceId: string, logger: Logger): Promise<void> {
  return publishAfterCommit(
    nats,
    logger,
    subjects.evt.devicesChanged(userId),
    DevicesChangedEvent,
    { v: 1, userId, change, deviceId, occurredAt: new Date().toISOString() },
    `${userId}:${deviceId}:${change}`.toLowerCase(),
    { userId, deviceId },
  );
}

/** The identity key was set or replaced (JetStream `identity-key-changed.<user>`). */
export function publishIdentityKeyChanged(nats: Nats, userId: string, identityKeyVersion: number, logger: Logger): Promise<void> {
  return publishAfterCommit(
    nats,
    logger,
    subjects.evt.identityKeyChanged(userId),
    IdentityKeyChangedEvent,
    { v: 1, userId, identityKeyVersion, occurredAt: new Date().toISOString() },
    `${userId}:identity:${identityKeyVersion}`.toLowerCase(),
    { userId, identityKeyVersion },
  );
}

/** Tell listeners (core NATS, best effort) that a user has a new v0 device key. */
export function publishDeviceRegistered(nats: Nats, device: Device): void {
  publishEphemeral(nats, subjects.evt.deviceRegistered(device.userId), DeviceRegisteredEvent, {
    v: 1,
    userId: device.userId,
    deviceId: device.id,
    occurredAt: new Date().toISOString(),
  });
}
