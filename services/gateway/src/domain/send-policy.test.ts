import { describe, expect, it } from 'vitest';
import type { SendMessageFrame } from '@cipherlink/proto';
import { decideSend } from './send-policy';

const identity = { connectionId: 'c', userId: 'u', deviceId: '11111111-1111-4111-8111-111111111111' };
const frame = (senderDeviceId: string): SendMessageFrame => ({
  type: 'message.send',
  id: '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e10',
  conversationId: '22222222-2222-4222-8222-222222222222',
  envelope: { v: 0, senderDeviceId, recipientDeviceId: identity.deviceId, iv: 'AAAAAAAAAAAAAAAA', ct: 'A'.repeat(22) },
});

describe('decideSend', () => {
  it('publishes for a known member', () => {
    expect(decideSend(identity, frame(identity.deviceId), true)).toEqual({ kind: 'publish' });
  });
  it('asks the directory when membership is not known locally', () => {
    expect(decideSend(identity, frame(identity.deviceId.toUpperCase()), false)).toEqual({ kind: 'verify-membership' });
  });
  it("rejects an envelope that claims another device as sender", () => {
    expect(decideSend(identity, frame('33333333-3333-4333-8333-333333333333'), true)).toMatchObject({ kind: 'reject', code: 'bad_request' });
  });
});

describe('decideSend with a v1 envelope', () => {
  const conversationId = '22222222-2222-4222-8222-222222222222';
  const id = '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e10';
  const v1 = (over: Partial<Extract<SendMessageFrame['envelope'], { v: 1 }>> = {}): SendMessageFrame => ({
    type: 'message.send',
    id,
    conversationId,
    envelope: { v: 1, epoch: 0, senderDeviceId: identity.deviceId, chainIndex: 0, prev: 'A'.repeat(43), iv: 'AAAAAAAAAAAAAAAA', ct: 'A'.repeat(363), sig: 'A'.repeat(86), ...over },
  });
  it('checks the sender device like v0', () => {
    expect(decideSend(identity, v1(), true)).toEqual({ kind: 'publish' });
    expect(decideSend(identity, v1({ senderDeviceId: '33333333-3333-4333-8333-333333333333' }), true)).toMatchObject({ kind: 'reject' });
  });
  it('accepts repeated routing ids that match the frame and refuses others', () => {
    expect(decideSend(identity, v1({ conversationId: conversationId.toUpperCase(), messageId: id }), true)).toEqual({ kind: 'publish' });
    expect(decideSend(identity, v1({ conversationId: '44444444-4444-4444-8444-444444444444' }), true)).toMatchObject({ kind: 'reject', code: 'bad_request' });
    expect(decideSend(identity, v1({ messageId: '0190f5d2-6c4a-7cc1-8a3e-2f1b9c7d4e11' }), true)).toMatchObject({ kind: 'reject', code: 'bad_request' });
  });
});
