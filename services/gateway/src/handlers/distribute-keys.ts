import { rpc, type KeysDistributeFrame } from '@cipherlink/proto';
import { callRpc } from '@cipherlink/kit';
import { splitPackages } from '../domain/key-distribution';
import type { ConnectionIdentity } from '../domain/routing-table';
import type { ClientConnection } from './client-connection';
import { errSummary } from './err-summary';
import type { GatewayContext } from './gateway-context';

/**
 * `keys.distribute`: the sender must be a member of the conversation (else `forbidden`); each package goes out only
 * if its recipient is a certified device of a current member, per the directory at this moment (the others are
 * listed as refused). Accepted packages are stored by message-store, which announces them for live delivery; the
 * sender gets `keys.distributed` with the seqs. The sender's user and device come from the socket, never the frame.
 */
export async function distributeKeys(ctx: GatewayContext, conn: ClientConnection, identity: ConnectionIdentity, frame: KeysDistributeFrame): Promise<void> {
  const conversationId = frame.conversationId.toLowerCase();
  const log = ctx.logger.child({ connectionId: conn.id, conversationId });
  let member: boolean;
  let devices: { deviceId: string }[];
  try {
    ({ member, devices } = await callRpc(ctx.nats, rpc.directoryMemberDevices, {
      conversationId,
      userId: identity.userId,
      deviceIds: frame.packages.map((p) => p.recipientDeviceId.toLowerCase()),
    }));
  } catch (err) {
    log.warn({ err: errSummary(err) }, 'key distribution check failed');
    return conn.error('unavailable', 'cannot check the recipients now, retry later', frame.id);
  }
  if (!member) return conn.error('forbidden', 'not a member of this conversation', frame.id);
  const { accepted, refused } = splitPackages(
    frame.packages,
    devices.map((d) => d.deviceId),
  );
  let stored: { recipientDeviceId: string; seq: number }[] = [];
  if (accepted.length > 0) {
    try {
      ({ stored } = await callRpc(ctx.nats, rpc.messageStoreKeyPackages, {
        conversationId,
        epoch: frame.epoch,
        senderUserId: identity.userId,
        senderDeviceId: identity.deviceId,
        packages: accepted,
      }));
    } catch (err) {
      log.warn({ err: errSummary(err) }, 'key packages could not be stored');
      return conn.error('unavailable', 'key packages could not be stored, retry later', frame.id);
    }
  }
  log.debug({ epoch: frame.epoch, stored: stored.length, refused: refused.length }, 'key packages distributed');
  conn.reply({ type: 'keys.distributed', id: frame.id, conversationId, epoch: frame.epoch, stored, refused });
}
