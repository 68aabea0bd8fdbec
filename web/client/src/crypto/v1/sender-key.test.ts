import { describe, expect, it } from 'vitest';
import { CryptoParameterError, InvalidPublicKeyError } from './errors';
import { generateEcdsaKeyPair } from './key-pair';
import { checkSenderKeyShare, senderKeyIdString, type SenderKeyShare } from './sender-key';

describe('sender key shares', () => {
  it('are checked and copied: canonical ids, sizes, a valid signing point', async () => {
    const share: SenderKeyShare = {
      conversationId: '0190A6B2-3C4D-7E5F-8A9B-0C1D2E3F4A5B',
      epoch: 1,
      senderUserId: '11111111-2222-4333-8444-555555555555',
      senderDeviceId: '21111111-2222-4333-8444-555555555555',
      chainIndex: 0,
      chainKey: new Uint8Array(32).fill(1),
      signingPublicKey: (await generateEcdsaKeyPair()).publicKeyRaw,
    };
    const checked = checkSenderKeyShare(share);
    expect(checked.conversationId).toBe(share.conversationId.toLowerCase());
    share.chainKey.fill(2);
    expect(checked.chainKey[0]).toBe(1);
    expect(senderKeyIdString(share)).toBe(senderKeyIdString(checked));
    expect(() => checkSenderKeyShare({ ...share, chainKey: new Uint8Array(31) })).toThrow(CryptoParameterError);
    expect(() => checkSenderKeyShare({ ...share, epoch: -1 })).toThrow(CryptoParameterError);
    expect(() => checkSenderKeyShare({ ...share, chainIndex: 2 ** 32 })).toThrow(CryptoParameterError);
    expect(() => checkSenderKeyShare({ ...share, senderUserId: 'me' })).toThrow(CryptoParameterError);
    expect(() => checkSenderKeyShare({ ...share, signingPublicKey: new Uint8Array(65) })).toThrow(InvalidPublicKeyError);
  });
});
