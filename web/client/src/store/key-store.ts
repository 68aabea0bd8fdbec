/** This device's identity for one user: the id the directory gave it and its ECDH key pair. */
export interface DeviceKeys {
  deviceId: string;
  /** Non-extractable ECDH P-256 private key. */
  privateKey: CryptoKey;
  /** Uncompressed public point, 65 bytes. */
  publicKeyRaw: Uint8Array;
}

/**
 * Where device keys live between sessions. Browser: IndexedDbKeyStore (the CryptoKey object itself is stored,
 * so the private key stays non-extractable). Node and tests: MemoryKeyStore.
 */
export interface KeyStore {
  loadDevice(userId: string): Promise<DeviceKeys | null>;
  saveDevice(userId: string, keys: DeviceKeys): Promise<void>;
  /** Forget this user's device (their account was deleted: the key can never be used again). */
  forgetDevice?(userId: string): Promise<void>;
  /** Forget every stored device (for example "remove this browser"). Messages sent to it become unreadable. */
  clear?(): Promise<void>;
}
