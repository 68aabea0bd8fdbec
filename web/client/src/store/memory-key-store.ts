import type { DeviceKeys, KeyStore, StoredRecord } from './key-store';

/**
 * Keeps keys in memory for the lifetime of the object (Node bots, tests, benchmarks). Records are copied with
 * structuredClone on the way in and out, as IndexedDB would, so a caller's later mutation never reaches the store.
 */
export class MemoryKeyStore implements KeyStore {
  private readonly devices = new Map<string, DeviceKeys>();
  private readonly records = new Map<string, Map<string, unknown>>();

  async loadDevice(userId: string): Promise<DeviceKeys | null> {
    const keys = this.devices.get(userId);
    return keys ? { ...keys, publicKeyRaw: new Uint8Array(keys.publicKeyRaw) } : null;
  }

  async saveDevice(userId: string, keys: DeviceKeys): Promise<void> {
    this.devices.set(userId, { ...keys, publicKeyRaw: new Uint8Array(keys.publicKeyRaw) });
  }

  async forgetDevice(userId: string): Promise<void> {
    this.devices.delete(userId);
    this.records.delete(userId);
  }

  async clear(): Promise<void> {
    this.devices.clear();
    this.records.clear();
  }

  async getRecord<T>(userId: string, key: string): Promise<T | undefined> {
    const value = this.records.get(userId)?.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  async putRecord(userId: string, key: string, value: unknown): Promise<void> {
    let user = this.records.get(userId);
    if (!user) this.records.set(userId, (user = new Map()));
    user.set(key, structuredClone(value));
  }

  async deleteRecord(userId: string, key: string): Promise<void> {
    this.records.get(userId)?.delete(key);
  }

  async listRecords<T>(userId: string, prefix: string): Promise<StoredRecord<T>[]> {
    const user = this.records.get(userId);
    if (!user) return [];
    return [...user.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ key, value: structuredClone(value) as T }));
  }
}
