import { callRpc, UnavailableError, type Nats } from '@cipherlink/kit';
import { rpc } from '@cipherlink/proto';

/** Does `deviceId` belong to `userId`? Rejects with UnavailableError (503) when it cannot be decided. */
export type DeviceOwnershipCheck = (userId: string, deviceId: string) => Promise<boolean>;

/** Ask the directory over NATS (`cl.rpc.directory.v1.device-check`). */
export function createDirectoryDeviceOwnership(nats: () => Nats): DeviceOwnershipCheck {
  return async (userId, deviceId) => {
    try {
      return (await callRpc(nats(), rpc.directoryDeviceCheck, { userId, deviceId })).valid;
    } catch (err) {
      throw new UnavailableError('device check unavailable', { cause: err });
    }
  };
}
