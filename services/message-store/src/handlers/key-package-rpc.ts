import { publishEphemeral, serveRpc, type Logger, type Nats } from '@cipherlink/kit';
import { KeyPackageStoredEvent, rpc, subjects } from '@cipherlink/proto';
import type { MessageStore } from '../store/message-store';

/**
 * `cl.rpc.message.v1.store-key-packages` (queue group `message-store`): store a sender's distributions (the gateway
 * has checked the sender's membership and that every recipient device belongs to a current member), answer with
 * the seqs once committed, then announce each on `cl.evt.keys.v1.package-stored.<device>` for live delivery. The
 * announcement is best effort; a device that misses it fetches by afterSeq.
 */
export function serveKeyPackageRpc(nats: Nats, store: MessageStore, logger: Logger): ReturnType<typeof serveRpc> {
  const log = logger.child({ module: 'key-packages' });
  return serveRpc(
    nats,
    rpc.messageStoreKeyPackages,
    async (batch) => {
      const stored = await store.storeKeyPackages(batch);
      for (const pkg of stored) publishEphemeral(nats, subjects.evt.keyPackageStored(pkg.recipientDeviceId), KeyPackageStoredEvent, { v: 1, package: pkg });
      log.debug({ conversationId: batch.conversationId, epoch: batch.epoch, senderDeviceId: batch.senderDeviceId, count: stored.length }, 'key packages stored');
      return { stored: stored.map((p) => ({ recipientDeviceId: p.recipientDeviceId, seq: p.seq })) };
    },
    { queue: 'message-store', logger },
  );
}
