import type { Device } from '@cipherlink/proto';
import { fromBase64Url } from './crypto';
import type { CipherLinkApi } from './transport/cipherlink-api';

/** The peer has no registered device, so nothing can be encrypted to them yet. */
export class NoDeviceError extends Error {
  override name = 'NoDeviceError';
}

/** The device named by a message is not in its user's device list. */
export class UnknownDeviceError extends Error {
  override name = 'UnknownDeviceError';
}

/**
 * Caches users' device lists (public keys) from the directory. Entries expire after `ttlMs` so a peer's new
 * device is picked up; an unknown device id forces one refetch.
 */
export class PeerDirectory {
  private readonly cache = new Map<string, { at: number; devices: Promise<Device[]> }>();

  constructor(
    private readonly api: CipherLinkApi,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  devices(userId: string, fresh = false): Promise<Device[]> {
    const hit = this.cache.get(userId);
    if (hit && !fresh && Date.now() - hit.at < this.ttlMs) return hit.devices;
    const devices = this.api.devicesOf(userId);
    const entry = { at: Date.now(), devices };
    this.cache.set(userId, entry);
    devices.catch(() => {
      if (this.cache.get(userId) === entry) this.cache.delete(userId);
    });
    return devices;
  }

  /** Protocol v0 encrypts to one device: the user's most recently registered one. */
  async newestDevice(userId: string): Promise<Device> {
    const devices = await this.devices(userId);
    const newest = newestOf(devices);
    if (!newest) throw new NoDeviceError('this user has no device yet; they need to sign in once');
    return newest;
  }

  /** Raw public key of `deviceId`, which must belong to `userId`. */
  async publicKey(userId: string, deviceId: string): Promise<Uint8Array> {
    const id = deviceId.toLowerCase();
    let device = (await this.devices(userId)).find((d) => d.id.toLowerCase() === id);
    device ??= (await this.devices(userId, true)).find((d) => d.id.toLowerCase() === id);
    if (!device) throw new UnknownDeviceError('device is not registered to this user');
    return fromBase64Url(device.publicKey);
  }

  forget(userId: string): void {
    this.cache.delete(userId);
  }

  clear(): void {
    this.cache.clear();
  }
}

export function newestOf(devices: readonly Device[]): Device | undefined {
  let best: Device | undefined;
  for (const d of devices) {
    if (!best) best = d;
    else {
      const diff = Date.parse(d.createdAt) - Date.parse(best.createdAt);
      if (diff > 0 || (diff === 0 && d.id > best.id)) best = d;
    }
  }
  return best;
}
