import { describe, expect, it } from 'vitest';
import type { Conversation, Device, StoredMessage } from '@cipherlink/proto';
import { generateDeviceKeyPair, ProtocolV0, toBase64Url } from '../crypto';
import { PeerDirectory } from '../peer-directory';
import { MemoryKeyStore } from '../store/memory-key-store';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import { LegacyV0Reader } from './legacy-v0';

const ALICE = '0190a6e0-0000-4000-8000-0000000000a1';
const BOB = '0190a6e0-0000-4000-8000-0000000000b1';
const ALICE_DEV = '0190a6e0-0000-4000-8000-0000000000a2';
const BOB_DEV = '0190a6e0-0000-4000-8000-0000000000b2';
const CONV = '0190a6e0-0000-4000-8000-0000000000c1';
const ID = '0190a6e0-0000-7000-8000-0000000000e1';

describe('LegacyV0Reader', () => {
  it('reads old v0 history with the v0 device key this browser kept, and reports it unreadable without one', async () => {
    const aliceKeys = await generateDeviceKeyPair();
    const bobKeys = await generateDeviceKeyPair();
    const bob = new ProtocolV0({ deviceId: BOB_DEV, privateKey: bobKeys.privateKey });
    const envelope = await bob.encrypt({ conversationId: CONV, messageId: ID, recipientDeviceId: ALICE_DEV, recipientPublicKey: aliceKeys.publicKeyRaw, content: { t: 'text', text: 'from 2025' } });
    const stored: StoredMessage = { id: ID, conversationId: CONV, seq: 1, senderUserId: BOB, senderDeviceId: BOB_DEV, envelope, createdAt: '2025-06-01T00:00:00.000Z' };
    const bobDevice: Device = { id: BOB_DEV, userId: BOB, publicKey: toBase64Url(bobKeys.publicKeyRaw), createdAt: '2025-01-01T00:00:00.000Z' };
    const peers = new PeerDirectory({ devicesOf: async (u: string) => (u === BOB ? [bobDevice] : []) } as unknown as CipherLinkApi);
    const conversation: Conversation = { id: CONV, kind: 'dm', name: null, members: [{ id: ALICE, username: 'alice' }, { id: BOB, username: 'bob' }], createdAt: '2025-01-01T00:00:00.000Z' };
    const store = new MemoryKeyStore();
    const reader = () => new LegacyV0Reader({ store, userId: ALICE, peers, conversation: async () => conversation });

    expect(await reader().decrypt(stored)).toMatchObject({ ok: false, code: 'legacy', retry: false });
    await store.saveDevice(ALICE, { deviceId: ALICE_DEV, privateKey: aliceKeys.privateKey, publicKeyRaw: aliceKeys.publicKeyRaw });
    expect(await reader().decrypt(stored)).toEqual({ ok: true, payload: { type: 'text', text: 'from 2025' } });
    // Tampered: unreadable, never garbage.
    const ct = envelope.ct;
    const tampered = { ...stored, envelope: { ...envelope, ct: (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1) } };
    expect(await reader().decrypt(tampered)).toMatchObject({ ok: false, code: 'legacy' });
  });
});
