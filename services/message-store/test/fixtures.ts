import { randomBytes, randomUUID } from 'node:crypto';
import type { MessageSendCommand } from '@cipherlink/proto';

/** A UUIDv7 (RFC 9562): 48-bit ms timestamp, version 7, variant 10, random rest. */
export function uuidv7(): string {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Random bytes as unpadded base64url, like the client SDK produces. */
export const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

/** A valid command with a fresh id; override any field. */
export function sendCommand(over: Partial<MessageSendCommand> = {}): MessageSendCommand {
  const senderDeviceId = over.senderDeviceId ?? randomUUID();
  return {
    v: 1,
    id: uuidv7(),
    conversationId: randomUUID(),
    senderUserId: randomUUID(),
    senderDeviceId,
    envelope: { v: 0, senderDeviceId, recipientDeviceId: randomUUID(), iv: b64url(12), ct: b64url(64) },
    receivedAt: new Date().toISOString(),
    ...over,
  };
}
