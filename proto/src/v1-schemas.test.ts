import { describe, expect, it } from 'vitest';
import {
  ClientFrame,
  CreateRoomRequest,
  Envelope,
  EnvelopeV1,
  KeyPackageUpload,
  KeysDistributeFrame,
  MAX_KEY_PACKAGE_BLOB_BYTES,
  MAX_V1_CIPHERTEXT_BYTES,
  MemberAddedEvent,
  PutKeyBackupRequest,
  RegisterDeviceV1Request,
  streams,
  subjects,
} from './index';

const conv = '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const dev = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';
const msgId = '0190a5b2-7c1e-7a3b-8c4d-1e2f3a4b5c6d';
const b64 = (bytes: number, fill = 1) => Buffer.alloc(bytes, fill).toString('base64url');
const point = () => Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 2)]).toString('base64url');

describe('envelope v1', () => {
  const ok = { v: 1, epoch: 0, senderDeviceId: dev, chainIndex: 0, prev: b64(32), iv: b64(12), ct: b64(272), sig: b64(64) };
  it('is accepted beside v0 by the Envelope union', () => {
    expect(Envelope.parse(ok)).toEqual(ok);
    expect(Envelope.parse({ ...ok, conversationId: conv, messageId: msgId })).toEqual({ ...ok, conversationId: conv, messageId: msgId });
  });
  it('bounds epoch and chain index to u32', () => {
    expect(EnvelopeV1.safeParse({ ...ok, epoch: 0xffff_ffff, chainIndex: 0xffff_ffff }).success).toBe(true);
    expect(EnvelopeV1.safeParse({ ...ok, epoch: 2 ** 32 }).success).toBe(false);
    expect(EnvelopeV1.safeParse({ ...ok, chainIndex: -1 }).success).toBe(false);
    expect(EnvelopeV1.safeParse({ ...ok, epoch: 1.5 }).success).toBe(false);
  });
  it('requires a 12-byte IV, a 64-byte signature and a ciphertext within the frame cap', () => {
    expect(EnvelopeV1.safeParse({ ...ok, iv: b64(11) }).success).toBe(false);
    expect(EnvelopeV1.safeParse({ ...ok, prev: b64(31) }).success).toBe(false);
    expect(EnvelopeV1.safeParse((({ prev: _p, ...rest }) => rest)(ok)).success).toBe(true); // stored before links
    expect(EnvelopeV1.safeParse({ ...ok, sig: b64(65) }).success).toBe(false);
    expect(EnvelopeV1.safeParse({ ...ok, ct: b64(MAX_V1_CIPHERTEXT_BYTES) }).success).toBe(true);
    expect(EnvelopeV1.safeParse({ ...ok, ct: b64(MAX_V1_CIPHERTEXT_BYTES + 1) }).success).toBe(false);
    expect(EnvelopeV1.safeParse({ ...ok, ct: b64(15) }).success).toBe(false);
    // 4k+1 characters are no whole number of bytes.
    expect(EnvelopeV1.safeParse({ ...ok, ct: `${b64(300)}A` }).success).toBe(false);
  });
  it('fits the largest v1 message into a 64 KiB frame', () => {
    const frame = { type: 'message.send', id: msgId, conversationId: conv, envelope: { ...ok, ct: b64(MAX_V1_CIPHERTEXT_BYTES), conversationId: conv, messageId: msgId } };
    expect(ClientFrame.safeParse(frame).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(frame))).toBeLessThan(64 * 1024);
  });
  it('refuses unknown members, a non-v7 message id and the v0-only recipient field', () => {
    expect(EnvelopeV1.safeParse({ ...ok, recipientDeviceId: dev }).success).toBe(false);
    expect(EnvelopeV1.safeParse({ ...ok, messageId: conv }).success).toBe(false);
    expect(Envelope.safeParse({ ...ok, v: 2 }).success).toBe(false);
  });
});

describe('key distribution frames', () => {
  const frame = (packages: unknown[]) => ({ type: 'keys.distribute', id: msgId, conversationId: conv, epoch: 1, packages });
  it('caps blob size and requires distinct recipients', () => {
    expect(KeyPackageUpload.safeParse({ recipientDeviceId: dev, blob: b64(MAX_KEY_PACKAGE_BLOB_BYTES) }).success).toBe(true);
    expect(KeyPackageUpload.safeParse({ recipientDeviceId: dev, blob: b64(MAX_KEY_PACKAGE_BLOB_BYTES + 1) }).success).toBe(false);
    expect(KeyPackageUpload.safeParse({ recipientDeviceId: dev, blob: '' }).success).toBe(false);
    expect(KeysDistributeFrame.safeParse(frame([{ recipientDeviceId: dev, blob: b64(344) }])).success).toBe(true);
    const dup = [{ recipientDeviceId: dev, blob: b64(344) }, { recipientDeviceId: dev.toUpperCase(), blob: b64(344) }];
    expect(KeysDistributeFrame.safeParse(frame(dup)).success).toBe(false);
    expect(KeysDistributeFrame.safeParse(frame([])).success).toBe(false);
  });
  it('caps a key request at 500 conversations', () => {
    const ids = (n: number) => Array.from({ length: n }, () => conv);
    expect(ClientFrame.safeParse({ type: 'keys.request', id: msgId, conversationIds: ids(500) }).success).toBe(true);
    expect(ClientFrame.safeParse({ type: 'keys.request', id: msgId, conversationIds: ids(501) }).success).toBe(false);
    expect(ClientFrame.safeParse({ type: 'keys.request', id: msgId, conversationIds: [] }).success).toBe(false);
  });
});

describe('directory v1 bodies', () => {
  it('trims room names and bounds them in characters', () => {
    expect(CreateRoomRequest.parse({ name: '  team  ' })).toEqual({ name: 'team' });
    expect(CreateRoomRequest.safeParse({ name: '   ' }).success).toBe(false);
    expect(CreateRoomRequest.safeParse({ name: '🦓'.repeat(64) }).success).toBe(true);
    expect(CreateRoomRequest.safeParse({ name: '🦓'.repeat(65) }).success).toBe(false);
    expect(CreateRoomRequest.safeParse({ name: 'a\u0000b' }).success).toBe(false);
  });
  it('requires a device id, two points, a 64-byte certificate and a timestamp in ms', () => {
    const ok = { deviceId: dev, ecdhKey: point(), signingKey: point(), certificate: b64(64), certifiedAt: Date.now() };
    expect(RegisterDeviceV1Request.safeParse(ok).success).toBe(true);
    expect(RegisterDeviceV1Request.safeParse({ ...ok, certificate: b64(72) }).success).toBe(false);
    expect(RegisterDeviceV1Request.safeParse({ ...ok, certifiedAt: -1 }).success).toBe(false);
    expect(RegisterDeviceV1Request.safeParse({ ...ok, publicKey: point() }).success).toBe(false);
  });
  it('bounds the key backup to 1 MiB and versions from 1', () => {
    expect(PutKeyBackupRequest.safeParse({ version: 1, blob: b64(1024 * 1024) }).success).toBe(true);
    expect(PutKeyBackupRequest.safeParse({ version: 1, blob: b64(1024 * 1024 + 1) }).success).toBe(false);
    expect(PutKeyBackupRequest.safeParse({ version: 0, blob: b64(10) }).success).toBe(false);
  });
  it('keeps member-added events without an epoch hint valid', () => {
    const event = { v: 1, conversationId: conv, conversationKind: 'dm', userId: dev, occurredAt: '2026-11-26T14:00:00.000Z' };
    expect(MemberAddedEvent.parse(event)).toEqual(event);
  });
});

describe('v1 subjects and streams', () => {
  it('puts durable directory events into CL_EVENTS and keeps core-only ones out', () => {
    const covered = (subject: string) =>
      streams.events.subjects.some((pattern) => {
        const p = pattern.split('.');
        const s = subject.split('.');
        return p.every((tok, i) => tok === '>' || tok === '*' || tok === s[i]) && (p.at(-1) === '>' ? s.length >= p.length : s.length === p.length);
      });
    for (const s of [subjects.evt.memberRemoved(conv), subjects.evt.devicesChanged(dev), subjects.evt.identityKeyChanged(dev), subjects.evt.memberAdded(conv)]) {
      expect(covered(s), s).toBe(true);
    }
    for (const s of [subjects.evt.keyPackageStored(dev), subjects.evt.keysRequested(dev), subjects.evt.sessionsRevoked, subjects.evt.presenceChanged(dev)]) {
      expect(covered(s), s).toBe(false);
    }
  });
});
