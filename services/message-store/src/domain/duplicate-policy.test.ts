import { describe, expect, it } from 'vitest';
import type { MessageSendCommand, StoredMessage } from '@cipherlink/proto';
import { decideDuplicate } from './duplicate-policy';

const conv = '0b8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a01';
const user = '1c8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a02';
const device = '2d8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a03';
const existing = { id: '01936f3e-0000-7000-8000-000000000001', conversationId: conv, senderUserId: user, senderDeviceId: device, seq: 1 } as StoredMessage;
const cmd = (over: Partial<MessageSendCommand>) => ({ id: existing.id, conversationId: conv, senderUserId: user, senderDeviceId: device, ...over }) as MessageSendCommand;

describe('decideDuplicate', () => {
  it('republishes a retry of the same message, whatever the id case', () => {
    expect(decideDuplicate(existing, cmd({}))).toBe('republish');
    expect(decideDuplicate(existing, cmd({ conversationId: conv.toUpperCase() }))).toBe('republish');
  });
  it('drops an id reused in another conversation or by another sender or device', () => {
    expect(decideDuplicate(existing, cmd({ conversationId: '9b8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a09' }))).toBe('conflict');
    expect(decideDuplicate(existing, cmd({ senderUserId: '9b8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a09' }))).toBe('conflict');
    expect(decideDuplicate(existing, cmd({ senderDeviceId: '9b8f7a52-5d0e-4d6b-9a55-4a3f2f0e9a09' }))).toBe('conflict');
  });
});
