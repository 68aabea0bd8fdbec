/**
 * Test-only: builds the protocol v1 test vectors (docs/protocol-v1-vectors.json) by running our own functions with
 * every random input fixed through the test random source (random.ts). One story: Alice's device sends Bob a
 * message under its sender key, distributes that sender key to Bob's device, Alice and Bob compare safety
 * numbers, and Bob backs his keys up under a recovery key. Intermediate values are included so another
 * implementation can check each step. Imported only by *.test.ts files.
 */
import { createHash } from 'node:crypto';
import { ByteWriter, toHex } from './bytes';
import { stepChain } from './chain';
import { deviceCertificateBytes, deviceCertificateToJson, verifyDeviceCertificate } from './device-certificate';
import { distributionHeaderBytes, distributionKeyBytes, distributionSignedBytes, peekSenderKeyDistribution, sealSenderKeyDistribution } from './distribution';
import { deriveEcdhSecret } from './ecdh';
import { messageHeaderBytes, messageSignedBytes, parseEnvelopeV1, type EnvelopeV1 } from './envelope';
import { hkdfSha256 } from './hkdf';
import { createLocalDevice, exportIdentityKeyForBackup, generateIdentityKeyPair } from './identity';
import { createKeyBackup, type KeyBackupBlob } from './key-backup';
import { encodeBackupContents } from './key-backup-contents';
import { importP256PrivateScalar } from './key-pair';
import { LABELS } from './labels';
import { OutboundSenderKey } from './outbound-sender-key';
import { bytesToBigInt, isValidP256Scalar } from './p256';
import { encodePaddedPayload, encodePayload, type MessagePayload } from './payload';
import { importP256PublicKey } from './public-key';
import { queuedTestBytes, setTestRandomSource } from './random';
import { generateRecoveryKey } from './recovery-key';
import { computeSafetyNumber, fingerprintHash } from './safety-number';

/** Deterministic "random" input number `name`: SHA-256 chain over the name, `length` bytes. */
export function fixedBytes(name: string, length: number): Uint8Array {
  const out = Buffer.alloc(length);
  for (let offset = 0, i = 0; offset < length; offset += 32, i++) {
    createHash('sha256').update(`cipherlink/v1/test-vector/${name}/${i}`).digest().copy(out, offset);
  }
  return new Uint8Array(out);
}

function scalar(name: string): Uint8Array {
  const s = fixedBytes(name, 32);
  if (!isValidP256Scalar(bytesToBigInt(s))) throw new Error(`fixed scalar ${name} is out of range; rename it`);
  return s;
}

/** Run `fn` with exactly `chunks` as the random bytes it may draw (in order, lengths checked). */
async function withRandom<T>(chunks: Uint8Array[], fn: () => Promise<T>): Promise<T> {
  const queue = queuedTestBytes(...chunks);
  let used = 0;
  setTestRandomSource((n) => {
    used++;
    return queue(n);
  });
  try {
    const result = await fn();
    if (used !== chunks.length) throw new Error(`expected ${chunks.length} random draws, saw ${used}`);
    return result;
  } finally {
    setTestRandomSource(null);
  }
}

const IDS = {
  aliceUserId: '0190a6b2-0000-7000-8000-00000000a11c',
  aliceDeviceId: '0190a6b2-0001-7000-8000-00000000a11c',
  bobUserId: '0190a6b2-0000-7000-8000-000000000b0b',
  bobDeviceId: '0190a6b2-0001-7000-8000-000000000b0b',
  conversationId: '0190a6b2-1000-7000-8000-00000000c0c0',
  messageId: '0190a6b2-2000-7000-8000-000000000001',
  secondMessageId: '0190a6b2-2000-7000-8000-000000000002',
};
const CREATED_AT = 1_764_000_000_000;
const SECOND_PAYLOAD: MessagePayload = { type: 'reaction', messageId: IDS.messageId, emoji: '👍', remove: false };
const PAYLOAD: MessagePayload = { type: 'text', text: 'Hello Bob! 👋', reply: { messageId: '0190a6b2-2000-7000-8000-000000000000', quote: 'Hi?' } };

export interface ProtocolVectors {
  description: string;
  notes: string[];
  chain: Record<string, unknown>;
  deviceCertificate: Record<string, unknown>;
  message: Record<string, unknown> & { envelope: Required<EnvelopeV1> };
  /** Alice's next message: its `prev` links it to `message` (depends on that message's random ECDSA nonce). */
  linkedMessage: Record<string, unknown> & { envelope: Required<EnvelopeV1> };
  senderKeyDistribution: Record<string, unknown>;
  safetyNumber: Record<string, unknown>;
  keyBackup: Record<string, unknown>;
}

export async function buildProtocolVectors(): Promise<ProtocolVectors> {
  const inputs = {
    aliceIdentity: scalar('alice identity'),
    aliceEcdh: scalar('alice device ecdh'),
    aliceSigning: scalar('alice device signing'),
    bobIdentity: scalar('bob identity'),
    bobEcdh: scalar('bob device ecdh'),
    bobSigning: scalar('bob device signing'),
    senderKeySigning: scalar('alice sender key signing'),
    chainKey: fixedBytes('alice sender key chain key', 32),
    messageIv: fixedBytes('message iv', 12),
    secondMessageIv: fixedBytes('second message iv', 12),
    ephemeral: scalar('distribution ephemeral'),
    distributionIv: fixedBytes('distribution iv', 12),
    recoveryKey: fixedBytes('bob recovery key', 32),
    backupDataKey: fixedBytes('backup data key', 32),
    backupSalt: fixedBytes('backup recovery-key slot salt', 32),
    backupSlotIv: fixedBytes('backup slot iv', 12),
    backupContentsIv: fixedBytes('backup contents iv', 12),
  };

  // Chain: three steps from the sender key's chain key.
  const steps = [];
  let ck: Uint8Array = inputs.chainKey;
  for (let index = 0; index < 3; index++) {
    const s = await stepChain(ck);
    steps.push({ index, chainKey: toHex(ck), messageKey: toHex(s.messageKey), nextChainKey: toHex(s.nextChainKey) });
    ck = s.nextChainKey;
  }

  // Identities and devices.
  const aliceIdentity = await withRandom([inputs.aliceIdentity], () => generateIdentityKeyPair());
  const bobIdentity = await withRandom([inputs.bobIdentity], () => generateIdentityKeyPair({ extractable: true }));
  const alice = await withRandom([inputs.aliceEcdh, inputs.aliceSigning], () =>
    createLocalDevice(aliceIdentity.privateKey, { userId: IDS.aliceUserId, deviceId: IDS.aliceDeviceId }, CREATED_AT),
  );
  const bob = await withRandom([inputs.bobEcdh, inputs.bobSigning], () => createLocalDevice(bobIdentity.privateKey, { userId: IDS.bobUserId, deviceId: IDS.bobDeviceId }, CREATED_AT));
  const bobVerified = await verifyDeviceCertificate(bobIdentity.publicKeyRaw, bob.certificate, { userId: IDS.bobUserId });

  // Message.
  const senderKey = await withRandom([inputs.senderKeySigning, inputs.chainKey], () =>
    OutboundSenderKey.create({ conversationId: IDS.conversationId, epoch: 0, senderDeviceId: IDS.aliceDeviceId, senderUserId: IDS.aliceUserId, now: CREATED_AT }),
  );
  const share = senderKey.share();
  const envelope = await withRandom([inputs.messageIv], () => senderKey.encrypt(IDS.messageId, PAYLOAD));
  const parsed = parseEnvelopeV1(envelope);
  const header = messageHeaderBytes(parsed.header);
  const signedBytes = messageSignedBytes(header, parsed.iv, parsed.ciphertext);
  const second = await withRandom([inputs.secondMessageIv], () => senderKey.encrypt(IDS.secondMessageId, SECOND_PAYLOAD));
  const secondParsed = parseEnvelopeV1(second);
  const secondHeader = messageHeaderBytes(secondParsed.header);

  // Distribution of that sender key (from index 0) to Bob's device.
  const blob = await withRandom([inputs.ephemeral, inputs.distributionIv], () => sealSenderKeyDistribution(share, alice, bobVerified));
  const blobBytes = Buffer.from(blob, 'base64url');
  const ephemeral = await importP256PrivateScalar(inputs.ephemeral, 'ECDH');
  const routing = peekSenderKeyDistribution(blob);
  const dHeader = distributionHeaderBytes(routing, ephemeral.publicKeyRaw, bob.ecdh.publicKeyRaw);
  const secret = await deriveEcdhSecret(ephemeral.privateKey, await importP256PublicKey(bob.ecdh.publicKeyRaw, 'ECDH'));
  const dCiphertext = blobBytes.subarray(blobBytes.length - 64 - 118, blobBytes.length - 64);
  const body = new ByteWriter().u8(1).u32(share.chainIndex).raw(share.chainKey).raw(share.signingPublicKey).bytes();

  // Safety number of Alice and Bob, as each side computes it.
  const onAlice = await computeSafetyNumber({ userId: IDS.aliceUserId, identityPublicKey: aliceIdentity.publicKeyRaw }, { userId: IDS.bobUserId, identityPublicKey: bobIdentity.publicKeyRaw });
  const onBob = await computeSafetyNumber({ userId: IDS.bobUserId, identityPublicKey: bobIdentity.publicKeyRaw }, { userId: IDS.aliceUserId, identityPublicKey: aliceIdentity.publicKeyRaw });

  // Bob's key backup (his identity key and the sender key he received) under a recovery key.
  const recovery = await withRandom([inputs.recoveryKey], () => generateRecoveryKey());
  const contents = { userId: IDS.bobUserId, createdAt: CREATED_AT, identity: await exportIdentityKeyForBackup(bobIdentity), senderKeys: [share] };
  const backupText = await withRandom([inputs.backupDataKey, inputs.backupSalt, inputs.backupSlotIv, inputs.backupContentsIv], () =>
    createKeyBackup(contents, { recoveryKey: recovery.key }),
  );
  const backup = JSON.parse(backupText) as KeyBackupBlob;
  const slotInfo = new ByteWriter().label(LABELS.backupRecoveryKeySlot).u8(1).bytes();

  return {
    description: 'CipherLink protocol v1 test vectors (docs/protocol-v1.md). Bytes are lowercase hex unless a field says base64url; ids are UUIDs; P-256 points are 65-byte uncompressed; private scalars are 32-byte big-endian.',
    notes: [
      'Generated by web/client/src/crypto/v1/protocol-vectors.test.ts with UPDATE_VECTORS=1; that test checks our implementation reproduces every deterministic field and verifies every signature.',
      'ECDSA signatures use a random nonce, so they are not reproducible: verify them, never compare them.',
      'Every random input (keys, chain key, IVs, salts) is listed under its step; they are fixed through the test-only random source.',
    ],
    chain: { construction: 'messageKey_i = HMAC-SHA-256(chainKey_i, 0x01); chainKey_{i+1} = HMAC-SHA-256(chainKey_i, 0x02)', steps },
    deviceCertificate: {
      identityPrivateScalar: toHex(inputs.aliceIdentity),
      identityPublicKey: toHex(aliceIdentity.publicKeyRaw),
      userId: IDS.aliceUserId,
      deviceId: IDS.aliceDeviceId,
      ecdhPrivateScalar: toHex(inputs.aliceEcdh),
      ecdhPublicKey: toHex(alice.ecdh.publicKeyRaw),
      signingPrivateScalar: toHex(inputs.aliceSigning),
      signingPublicKey: toHex(alice.signing.publicKeyRaw),
      createdAt: CREATED_AT,
      signedBytes: toHex(deviceCertificateBytes(alice.certificate)),
      signature: toHex(alice.certificate.signature),
      json: deviceCertificateToJson(alice.certificate),
    },
    message: {
      conversationId: IDS.conversationId,
      epoch: 0,
      senderUserId: IDS.aliceUserId,
      senderDeviceId: IDS.aliceDeviceId,
      messageId: IDS.messageId,
      senderKeySigningPrivateScalar: toHex(inputs.senderKeySigning),
      senderKeySigningPublicKey: toHex(share.signingPublicKey),
      chainKey: toHex(inputs.chainKey),
      chainIndex: 0,
      messageKey: steps[0]!.messageKey,
      payload: PAYLOAD,
      encodedPayload: new TextDecoder().decode(encodePayload(PAYLOAD)),
      paddedPlaintext: toHex(encodePaddedPayload(PAYLOAD)),
      iv: toHex(inputs.messageIv),
      header: toHex(header),
      ciphertext: toHex(parsed.ciphertext),
      prev: toHex(parsed.header.prev),
      signedBytes: toHex(signedBytes),
      signature: toHex(parsed.signature),
      envelope,
    },
    linkedMessage: {
      construction: 'prev = SHA-256(signedBytes || signature) of the message before it (here: message)',
      messageId: IDS.secondMessageId,
      chainIndex: 1,
      messageKey: steps[1]!.messageKey,
      payload: SECOND_PAYLOAD,
      paddedPlaintext: toHex(encodePaddedPayload(SECOND_PAYLOAD)),
      iv: toHex(inputs.secondMessageIv),
      prev: toHex(secondParsed.header.prev),
      header: toHex(secondHeader),
      ciphertext: toHex(secondParsed.ciphertext),
      signedBytes: toHex(messageSignedBytes(secondHeader, secondParsed.iv, secondParsed.ciphertext)),
      signature: toHex(secondParsed.signature),
      envelope: second,
    },
    senderKeyDistribution: {
      sender: { userId: IDS.aliceUserId, deviceId: IDS.aliceDeviceId, signingPublicKey: toHex(alice.signing.publicKeyRaw) },
      recipient: { userId: IDS.bobUserId, deviceId: IDS.bobDeviceId, ecdhPrivateScalar: toHex(inputs.bobEcdh), ecdhPublicKey: toHex(bob.ecdh.publicKeyRaw) },
      share: { conversationId: share.conversationId, epoch: share.epoch, chainIndex: share.chainIndex, chainKey: toHex(share.chainKey), signingPublicKey: toHex(share.signingPublicKey) },
      ephemeralPrivateScalar: toHex(inputs.ephemeral),
      ephemeralPublicKey: toHex(ephemeral.publicKeyRaw),
      ecdhSecret: toHex(secret),
      header: toHex(dHeader),
      key: toHex(await distributionKeyBytes(secret, dHeader)),
      iv: toHex(inputs.distributionIv),
      body: toHex(body),
      ciphertext: toHex(dCiphertext),
      signedBytes: toHex(distributionSignedBytes(dHeader, inputs.distributionIv, dCiphertext)),
      signature: toHex(blobBytes.subarray(blobBytes.length - 64)),
      blob,
    },
    safetyNumber: {
      alice: { userId: IDS.aliceUserId, identityPublicKey: toHex(aliceIdentity.publicKeyRaw) },
      bob: { userId: IDS.bobUserId, identityPublicKey: toHex(bobIdentity.publicKeyRaw) },
      iterations: 5200,
      aliceFingerprintHash: toHex(await fingerprintHash({ userId: IDS.aliceUserId, identityPublicKey: aliceIdentity.publicKeyRaw })),
      bobFingerprintHash: toHex(await fingerprintHash({ userId: IDS.bobUserId, identityPublicKey: bobIdentity.publicKeyRaw })),
      digits: onAlice.digits,
      groups: onAlice.groups.join(' '),
      qrPayloadAlice: toHex(onAlice.qrPayload),
      qrPayloadBob: toHex(onBob.qrPayload),
    },
    keyBackup: {
      recoveryKey: toHex(recovery.key),
      recoveryKeyText: recovery.text,
      dataKey: toHex(inputs.backupDataKey),
      recoveryKeySlot: {
        salt: toHex(inputs.backupSalt),
        hkdfInfo: toHex(slotInfo),
        kek: toHex(await hkdfSha256(recovery.key, { salt: inputs.backupSalt, info: slotInfo, byteLength: 32 })),
        additionalData: toHex(new ByteWriter().label(LABELS.backupSlot).u8(1).u8(1).u32(0).withLength(inputs.backupSalt).bytes()),
        iv: toHex(inputs.backupSlotIv),
      },
      contentsAdditionalData: toHex(new ByteWriter().label(LABELS.backupContents).u8(1).bytes()),
      contentsIv: toHex(inputs.backupContentsIv),
      contents: new TextDecoder().decode(encodeBackupContents(contents)),
      blob: backup,
    },
  };
}

