import type { KeyPackageUpload } from '@cipherlink/proto';
import type { ConnectionIdentity } from './routing-table';

/**
 * Split a `keys.distribute` frame's packages by the directory's answer: a package goes out only when its recipient
 * is a certified device of a current member (`allowedDeviceIds`); the others are refused by recipient id, so a
 * removed member's devices never receive a new epoch's key. Ids compare case-insensitively.
 */
export function splitPackages(
  packages: readonly KeyPackageUpload[],
  allowedDeviceIds: Iterable<string>,
): { accepted: KeyPackageUpload[]; refused: string[] } {
  const allowed = new Set([...allowedDeviceIds].map((id) => id.toLowerCase()));
  const accepted: KeyPackageUpload[] = [];
  const refused: string[] = [];
  for (const p of packages) {
    const recipientDeviceId = p.recipientDeviceId.toLowerCase();
    if (allowed.has(recipientDeviceId)) accepted.push({ recipientDeviceId, blob: p.blob });
    else refused.push(recipientDeviceId);
  }
  return { accepted, refused };
}

/**
 * Which local connections a `keys.request` from `requesterDeviceId` reaches: the same user's sockets on other
 * devices, never the requester's own device and never another user.
 */
export function keyRequestTargets(userId: string, requesterDeviceId: string, connections: readonly ConnectionIdentity[]): string[] {
  const user = userId.toLowerCase();
  const device = requesterDeviceId.toLowerCase();
  return connections.filter((c) => c.userId.toLowerCase() === user && c.deviceId.toLowerCase() !== device).map((c) => c.connectionId);
}
