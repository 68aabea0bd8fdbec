import { createLocalDevice, generateIdentityKeyPair, verifyDeviceCertificate, type LocalDevice, type VerifiedDevice } from '../crypto/v1';
import type { AccountKeys } from './account';

/** Test helpers: real identity keys and certified devices, as the SDK makes them, without a server. */

export interface TestUser {
  userId: string;
  identity: { privateKey: CryptoKey; publicKeyRaw: Uint8Array };
}

export async function testUser(): Promise<TestUser> {
  const pair = await generateIdentityKeyPair();
  return { userId: crypto.randomUUID(), identity: { privateKey: pair.privateKey, publicKeyRaw: pair.publicKeyRaw } };
}

/** A device of `user`: its local keys and the VerifiedDevice others hold for it. */
export async function testDevice(user: TestUser): Promise<{ local: LocalDevice; verified: VerifiedDevice }> {
  const local = await createLocalDevice(user.identity.privateKey, { userId: user.userId, deviceId: crypto.randomUUID() });
  const verified = await verifyDeviceCertificate(user.identity.publicKeyRaw, local.certificate, { userId: user.userId, deviceId: local.deviceId });
  return { local, verified };
}

export function testAccount(user: TestUser, device: LocalDevice): AccountKeys {
  return { v: 1, userId: user.userId, identity: user.identity, device, backup: {} };
}
