import { KeysRequestedEvent, subjects, type KeysRequestFrame } from '@cipherlink/proto';
import { publishEphemeral } from '@cipherlink/kit';
import type { ConnectionIdentity } from '../domain/routing-table';
import type { ClientConnection } from './client-connection';
import { errSummary } from './err-summary';
import type { GatewayContext } from './gateway-context';

/**
 * `keys.request`: fan the request out (core NATS, every gateway) to this user's other online devices, which answer
 * with `keys.distribute` to this device. Nothing reaches another user: the subject and the delivery are per user.
 * Best effort: a device that is offline now is not asked later.
 */
export function requestKeys(ctx: GatewayContext, conn: ClientConnection, identity: ConnectionIdentity, frame: KeysRequestFrame): void {
  try {
    publishEphemeral(ctx.nats, subjects.evt.keysRequested(identity.userId), KeysRequestedEvent, {
      v: 1,
      userId: identity.userId,
      requesterDeviceId: identity.deviceId,
      conversationIds: frame.conversationIds.map((c) => c.toLowerCase()),
      occurredAt: new Date().toISOString(),
    });
  } catch (err) {
    ctx.logger.warn({ err: errSummary(err), connectionId: conn.id }, 'key request publish failed');
    conn.error('unavailable', 'key request could not be sent, retry later', frame.id);
  }
}
