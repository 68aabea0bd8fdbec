import type { DeviceKeys, KeyStore } from './key-store';

/** Keeps device keys in memory for the lifetime of the object (Node bots, tests, benchmarks). */
export class MemoryKeyStore implements KeyStore {
  private readonly devices = new Map<string, DeviceKeys>();

  async loadDevice(userId: string): Promise<DeviceKeys | null> {
    const keys = this.devices.get(userId);
    return keys ? { ...keys, publicKeyRaw: new Uint8Array(keys.publicKeyRaw) } : null;
  }

  async saveDevice(userId: string, keys: DeviceKeys): Promise<void> {
    this.devices.set(userId, { ...keys, publicKeyRaw: new Uint8Array(keys.publicKeyRaw) });
  }

  async forgetDevice(userId: string): Promise<void> {
    this.devices.delete(userId);
  }

  async clear(): Promise<void> {
    this.devices.clear();
  }
}
