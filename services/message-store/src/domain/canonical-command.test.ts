import { describe, expect, it } from 'vitest';
import type { MessageSendCommand } from '@cipherlink/proto';
import { canonicalCommand } from './canonical-command';

describe('canonicalCommand', () => {
  it('lowercases every id and keeps the rest untouched', () => {
    const envelope = { v: 0, senderDeviceId: 'X', recipientDeviceId: 'Y', iv: 'AbC', ct: 'DeF' };
    const cmd = {
      v: 1,
      id: '01936F3E-0000-7000-8000-00000000000A',
      conversationId: 'AB8F7A52-5D0E-4D6B-9A55-4A3F2F0E9A01',
      senderUserId: 'CC8F7A52-5D0E-4D6B-9A55-4A3F2F0E9A02',
      senderDeviceId: 'DD8F7A52-5D0E-4D6B-9A55-4A3F2F0E9A03',
      envelope,
      receivedAt: '2025-01-01T00:00:00Z',
    } as unknown as MessageSendCommand;
    const out = canonicalCommand(cmd);
    expect(out.id).toBe('01936f3e-0000-7000-8000-00000000000a');
    expect(out.conversationId).toBe('ab8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a01');
    expect(out.senderUserId).toBe('cc8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a02');
    expect(out.senderDeviceId).toBe('dd8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a03');
    // Ciphertext is opaque: case matters in base64url.
    expect(out.envelope).toBe(envelope);
  });
});
