/** This device's protocol v0 identity for one user: the id the directory gave it and its ECDH key pair. */
export interface DeviceKeys {
  deviceId: string;
  /** Non-extractable ECDH P-256 private key. */
  privateKey: CryptoKey;
  /** Uncompressed public point, 65 bytes. */
  publicKeyRaw: Uint8Array;
}

/** One stored record of a user, as `listRecords` returns it. */
export interface StoredRecord<T = unknown> {
  key: string;
  value: T;
}

/**
 * Where keys live between sessions. Browser: IndexedDbKeyStore (CryptoKey objects are stored by structured clone,
 * so non-extractable private keys are persisted without script ever reading their bytes). Node and tests:
 * MemoryKeyStore.
 *
 * Two kinds of content, both per user id:
 * - the protocol v0 device (`loadDevice`/`saveDevice`), kept only so old v0 history stays readable;
 * - protocol v1 records by name (`account`, `outbound/<conversation>`, `share/<conversation>/<device>/<epoch>`,
 *   `trust/<user>`, `sync`): plain structured-cloneable values (objects, arrays, Uint8Array, CryptoKey). The SDK
 *   treats what it reads as its own copy and always writes whole records.
 */
export interface KeyStore {
  loadDevice(userId: string): Promise<DeviceKeys | null>;
  saveDevice(userId: string, keys: DeviceKeys): Promise<void>;
  /** Forget everything of this user (their account was deleted: no key can ever be used again). */
  forgetDevice?(userId: string): Promise<void>;
  /** Forget every stored key (for example "remove this browser"). Messages sent to it become unreadable. */
  clear?(): Promise<void>;

  getRecord<T>(userId: string, key: string): Promise<T | undefined>;
  putRecord(userId: string, key: string, value: unknown): Promise<void>;
  deleteRecord(userId: string, key: string): Promise<void>;
  /** Every record of the user whose name starts with `prefix`, in name order. */
  listRecords<T>(userId: string, prefix: string): Promise<StoredRecord<T>[]>;
}
