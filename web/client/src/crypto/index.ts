/** Crypto module: Web Crypto only, no DOM, no transport. Everything that touches keys or ciphertext lives here. */
export { toBase64Url, fromBase64Url, Base64UrlError } from './base64url';
export { generateDeviceKeyPair, importPeerPublicKey, deriveSharedSecret, RAW_P256_PUBLIC_KEY_BYTES, type DeviceKeyPair } from './device-keys';
export { InvalidPublicKeyError, DecryptionError, NotForThisDeviceError } from './errors';
export type { MessageCipher, PlainContent, EncryptRequest, DecryptRequest } from './message-cipher';
export { ProtocolV0, aadV0, type ProtocolV0Options } from './protocol-v0';
/** Protocol v1 (docs/protocol-v1.md): the primitives and the protocol layer, for tools and tests. */
export * as v1 from './v1';
