import type { ErrorCode, SendMessageFrame } from '@cipherlink/proto';
import type { ConnectionIdentity } from './routing-table';

export type SendDecision =
  | { kind: 'publish' }
  /** Not in the local set: ask the directory (a member-added event may not have arrived yet). */
  | { kind: 'verify-membership' }
  | { kind: 'reject'; code: ErrorCode; message: string };

/**
 * First check of a `message.send`. The envelope must claim the socket's own device as sender: recipients derive the
 * decryption key from `envelope.senderDeviceId`, so letting a socket name another device would let it impersonate
 * that device's routing metadata. Membership known locally publishes at once; otherwise the directory decides.
 */
export function decideSend(identity: ConnectionIdentity, frame: SendMessageFrame, knownMember: boolean): SendDecision {
  if (frame.envelope.senderDeviceId.toLowerCase() !== identity.deviceId.toLowerCase()) {
    return { kind: 'reject', code: 'bad_request', message: "envelope.senderDeviceId must be this connection's device" };
  }
  return knownMember ? { kind: 'publish' } : { kind: 'verify-membership' };
}
