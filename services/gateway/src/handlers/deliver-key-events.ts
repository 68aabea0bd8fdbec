import { rpc, WsCloseCode, type DevicesChangedEvent, type IdentityKeyChangedEvent, type KeyPackageStoredEvent, type KeysRequestedEvent, type ServerFrame } from '@cipherlink/proto';
import { callRpc } from '@cipherlink/kit';
import { keyRequestTargets } from '../domain/key-distribution';
import type { ConnectionIdentity } from '../domain/routing-table';
import { errSummary } from './err-summary';
import type { GatewayContext } from './gateway-context';

/** A key package for a device with sockets here: deliver it to exactly that device's sockets. */
export function deliverKeyPackage(ctx: GatewayContext, deviceId: string, event: KeyPackageStoredEvent): void {
  // The subscription is per device; a payload naming another device is not ours to deliver.
  if (event.package.recipientDeviceId.toLowerCase() !== deviceId) return;
  const frame: ServerFrame = { type: 'keys.package', package: event.package };
  const encoded = JSON.stringify(frame);
  for (const id of ctx.table.connectionsOfDevice(deviceId)) ctx.connections.get(id)?.deliver(frame, encoded);
}

/** Another device of a local user asks for sender keys: tell that user's sockets on their other devices. */
export function deliverKeysRequested(ctx: GatewayContext, event: KeysRequestedEvent): void {
  const userId = event.userId.toLowerCase();
  const identities = ctx.table
    .connectionsOfUser(userId)
    .map((id) => ctx.table.connection(id))
    .filter((c): c is ConnectionIdentity => c !== undefined);
  const targets = keyRequestTargets(userId, event.requesterDeviceId, identities);
  if (targets.length === 0) return;
  const frame: ServerFrame = { type: 'keys.requested', requesterDeviceId: event.requesterDeviceId.toLowerCase(), conversationIds: event.conversationIds };
  const encoded = JSON.stringify(frame);
  for (const id of targets) ctx.connections.get(id)?.deliver(frame, encoded);
}

/**
 * A user's devices changed. A removed device's sockets here are closed (4004): it is no longer part of the account
 * and must not keep receiving. Then the user's own sockets and those of everyone sharing a conversation with them
 * are told, so their clients fetch the keys again and rotate sender keys.
 */
export async function deliverDevicesChanged(ctx: GatewayContext, event: DevicesChangedEvent): Promise<void> {
  const deviceId = event.deviceId.toLowerCase();
  if (event.change === 'removed') {
    for (const id of ctx.table.connectionsOfDevice(deviceId)) ctx.connections.get(id)?.close(WsCloseCode.deviceRemoved, 'device removed');
  }
  await tellContacts(ctx, event.userId, { type: 'user.devices-changed', userId: event.userId.toLowerCase(), change: event.change, deviceId });
}

/** A user's identity key was set or replaced: tell them and everyone sharing a conversation with them. */
export async function deliverIdentityKeyChanged(ctx: GatewayContext, event: IdentityKeyChangedEvent): Promise<void> {
  await tellContacts(ctx, event.userId, { type: 'user.identity-changed', userId: event.userId.toLowerCase(), identityKeyVersion: event.identityKeyVersion });
}

/**
 * Deliver `frame` to the local sockets of `userId` and of the users sharing a conversation with them. The contacts
 * come from the directory (one request per event, skipped when this gateway holds no sockets); when it cannot
 * answer, only the user's own sockets are told and the clients catch up on their next key fetch.
 */
async function tellContacts(ctx: GatewayContext, userId: string, frame: ServerFrame): Promise<void> {
  if (ctx.table.size === 0) return;
  const user = userId.toLowerCase();
  let audience = [user];
  try {
    const { userIds } = await callRpc(ctx.nats, rpc.directoryContacts, { userId: user });
    audience = [user, ...userIds.map((u) => u.toLowerCase())];
  } catch (err) {
    ctx.logger.warn({ err: errSummary(err), userId: user, frame: frame.type }, 'contacts lookup failed; key change told to the user only');
  }
  const encoded = JSON.stringify(frame);
  for (const member of new Set(audience)) {
    for (const id of ctx.table.connectionsOfUser(member)) ctx.connections.get(id)?.deliver(frame, encoded);
  }
}
