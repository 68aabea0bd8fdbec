/**
 * Test-only helpers for the protocol-layer tests: users with an identity key and devices whose certificates are
 * verified the way a client does it. Imported only by *.test.ts files.
 */
import { randomUUID } from 'node:crypto';
import { verifyDeviceCertificate, type VerifiedDevice } from './device-certificate';
import { createLocalDevice, generateIdentityKeyPair, type LocalDevice } from './identity';
import type { P256KeyPair } from './key-pair';

export interface TestUser {
  userId: string;
  identity: P256KeyPair;
}

export interface TestDevice {
  user: TestUser;
  local: LocalDevice;
  /** How other devices see it: its certificate checked against the user's identity key. */
  verified: VerifiedDevice;
}

export async function testUser(): Promise<TestUser> {
  return { userId: randomUUID(), identity: await generateIdentityKeyPair() };
}

export async function testDevice(user: TestUser): Promise<TestDevice> {
  const local = await createLocalDevice(user.identity.privateKey, { userId: user.userId, deviceId: randomUUID() });
  const verified = await verifyDeviceCertificate(user.identity.publicKeyRaw, local.certificate, { userId: user.userId });
  return { user, local, verified };
}

/** A UUIDv7-shaped id (the tests only need distinct, valid UUIDs in time order). */
export function testMessageId(): string {
  const id = randomUUID();
  return `${id.slice(0, 14)}7${id.slice(15)}`;
}

/** Flip one bit of a base64url string's decoded bytes and re-encode (a tampered field). */
export function flipBit(b64: string, byteIndex: number, bit = 0): string {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[byteIndex % bytes.length]! ^= 1 << bit;
  return bytes.toString('base64url');
}

export async function rejectionCode(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) => (e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : `${(e as Error).name}: ${(e as Error).message}`),
  );
}
