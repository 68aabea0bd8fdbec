import type { ErrorCode, SendMessageFrame } from '@cipherlink/proto';
import type { ConnectionIdentity } from './routing-table';

export type SendDecision =
  | { kind: 'publish' }
  /** Not in the local set: ask the directory (a member-added event may not have arrived yet). */
  | { kind: 'verify-membership' }
  | { kind: 'reject'; code: ErrorCode; message: string };

/**
 * First check of a `message.send` (v0 and v1 envelopes alike). The envelope must claim the socket's own device as
 * sender: recipients pick the decryption key (v0) or the sender key (v1) by `envelope.senderDeviceId`, so letting a
 * socket name another device would let it impersonate that device's routing metadata. Membership known locally publishes at once; otherwise the directory decides.
 */
export function decideSend(identity: ConnectionIdentity, frame: SendMessageFrame, knownMember: boolean): SendDecision {
  const envelope = frame.envelope;
  if (envelope.senderDeviceId.toLowerCase() !== identity.deviceId.toLowerCase()) {
    return { kind: 'reject', code: 'bad_request', message: "envelope.senderDeviceId must be this connection's device" };
  }
  // A v1 envelope may repeat the routing ids it binds into its AAD; they must be the ones it is routed under.
  if (envelope.v === 1 && envelope.conversationId !== undefined && envelope.conversationId.toLowerCase() !== frame.conversationId.toLowerCase()) {
    return { kind: 'reject', code: 'bad_request', message: "envelope.conversationId must be the frame's conversationId" };
  }
  if (envelope.v === 1 && envelope.messageId !== undefined && envelope.messageId.toLowerCase() !== frame.id.toLowerCase()) {
    return { kind: 'reject', code: 'bad_request', message: "envelope.messageId must be the frame's id" };
  }
  return knownMember ? { kind: 'publish' } : { kind: 'verify-membership' };
}
