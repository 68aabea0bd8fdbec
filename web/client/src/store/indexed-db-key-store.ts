import type { DeviceKeys, KeyStore } from './key-store';

const DB_NAME = 'cipherlink-keys';
const DB_VERSION = 1;
const STORE = 'devices';

interface DeviceRecord {
  userId: string;
  deviceId: string;
  privateKey: CryptoKey;
  publicKeyRaw: Uint8Array;
}

function promisify<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Browser key store. IndexedDB stores CryptoKey objects by structured clone, so the non-extractable private key is
 * persisted without its bytes ever being readable by script. One record per user id (this browser's device).
 */
export class IndexedDbKeyStore implements KeyStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory | undefined = globalThis.indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      if (!this.factory) return reject(new Error('IndexedDB is not available in this environment'));
      const req = this.factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'userId' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('cannot open IndexedDB'));
      req.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'));
    });
    this.db.catch(() => (this.db = undefined));
    return this.db;
  }

  private async tx<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(STORE, mode);
    const result = promisify(fn(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return result;
  }

  async loadDevice(userId: string): Promise<DeviceKeys | null> {
    const rec = (await this.tx('readonly', (s) => s.get(userId))) as DeviceRecord | undefined;
    if (!rec) return null;
    return { deviceId: rec.deviceId, privateKey: rec.privateKey, publicKeyRaw: new Uint8Array(rec.publicKeyRaw) };
  }

  async saveDevice(userId: string, keys: DeviceKeys): Promise<void> {
    const rec: DeviceRecord = { userId, deviceId: keys.deviceId, privateKey: keys.privateKey, publicKeyRaw: new Uint8Array(keys.publicKeyRaw) };
    await this.tx('readwrite', (s) => s.put(rec));
  }

  async forgetDevice(userId: string): Promise<void> {
    await this.tx('readwrite', (s) => s.delete(userId));
  }

  async clear(): Promise<void> {
    await this.tx('readwrite', (s) => s.clear());
  }
}
