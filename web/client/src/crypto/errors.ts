/** Typed failures of the crypto module. Messages never contain key material or plaintext. */

/** A peer public key was not a valid uncompressed P-256 point. */
export class InvalidPublicKeyError extends Error {
  override name = 'InvalidPublicKeyError';
}

/** A message could not be decrypted; `reason` is safe to show to the user. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** The envelope is addressed to a device this client does not hold. */
export class NotForThisDeviceError extends DecryptionError {
  override name = 'NotForThisDeviceError';
  constructor() {
    super('sent to another device');
  }
}
