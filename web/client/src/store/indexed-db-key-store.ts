import type { DeviceKeys, KeyStore, StoredRecord } from './key-store';

const DB_NAME = 'cipherlink-keys';
/** 1: protocol v0 devices; 2: protocol v1 records. */
const DB_VERSION = 2;
const DEVICES = 'devices';
const RECORDS = 'records';

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
 * Browser key store. IndexedDB stores CryptoKey objects by structured clone, so non-extractable private keys are
 * persisted without their bytes ever being readable by script. v0 devices by user id; v1 records under the
 * compound key [userId, name].
 */
export class IndexedDbKeyStore implements KeyStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory | undefined = globalThis.indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      if (!this.factory) return reject(new Error('IndexedDB is not available in this environment'));
      const req = this.factory.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(DEVICES)) db.createObjectStore(DEVICES, { keyPath: 'userId' });
        if (!db.objectStoreNames.contains(RECORDS)) db.createObjectStore(RECORDS);
      };
      req.onsuccess = () => {
        // Another tab upgrading the schema asks us to let go; the next call opens the new version.
        req.result.onversionchange = () => {
          req.result.close();
          this.db = undefined;
        };
        resolve(req.result);
      };
      req.onerror = () => reject(req.error ?? new Error('cannot open IndexedDB'));
      req.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'));
    });
    this.db.catch(() => (this.db = undefined));
    return this.db;
  }

  private async tx<T>(storeName: string, mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(storeName, mode);
    const req = fn(tx.objectStore(storeName));
    const result = req ? promisify(req) : Promise.resolve(undefined as T);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return result;
  }

  async loadDevice(userId: string): Promise<DeviceKeys | null> {
    const rec = (await this.tx(DEVICES, 'readonly', (s) => s.get(userId))) as DeviceRecord | undefined;
    if (!rec) return null;
    return { deviceId: rec.deviceId, privateKey: rec.privateKey, publicKeyRaw: new Uint8Array(rec.publicKeyRaw) };
  }

  async saveDevice(userId: string, keys: DeviceKeys): Promise<void> {
    const rec: DeviceRecord = { userId, deviceId: keys.deviceId, privateKey: keys.privateKey, publicKeyRaw: new Uint8Array(keys.publicKeyRaw) };
    await this.tx(DEVICES, 'readwrite', (s) => s.put(rec));
  }

  async forgetDevice(userId: string): Promise<void> {
    await this.tx(DEVICES, 'readwrite', (s) => s.delete(userId));
    await this.tx(RECORDS, 'readwrite', (s) => s.delete(userRange(userId, '')));
  }

  async clear(): Promise<void> {
    await this.tx(DEVICES, 'readwrite', (s) => s.clear());
    await this.tx(RECORDS, 'readwrite', (s) => s.clear());
  }

  async getRecord<T>(userId: string, key: string): Promise<T | undefined> {
    return (await this.tx(RECORDS, 'readonly', (s) => s.get([userId, key]))) as T | undefined;
  }

  async putRecord(userId: string, key: string, value: unknown): Promise<void> {
    await this.tx(RECORDS, 'readwrite', (s) => s.put(value, [userId, key]));
  }

  async deleteRecord(userId: string, key: string): Promise<void> {
    await this.tx(RECORDS, 'readwrite', (s) => s.delete([userId, key]));
  }

  async listRecords<T>(userId: string, prefix: string): Promise<StoredRecord<T>[]> {
    const out: StoredRecord<T>[] = [];
    // One cursor in one transaction: keys and values can never come from two different states of the store.
    await this.tx(RECORDS, 'readonly', (s) => {
      const req = s.openCursor(userRange(userId, prefix));
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) return;
        out.push({ key: (cursor.key as [string, string])[1], value: cursor.value as T });
        cursor.continue();
      };
    });
    return out;
  }
}

/** Every [userId, name] with name starting with `prefix` ('\uffff' sorts after every character a name uses). */
function userRange(userId: string, prefix: string): IDBKeyRange {
  return IDBKeyRange.bound([userId, prefix], [userId, `${prefix}\uffff`]);
}
