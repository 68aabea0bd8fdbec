import { AppError, callRpc, UnavailableError, type Nats } from '@cipherlink/kit';
import { rpc } from '@cipherlink/proto';

/** Is `userId` a member of `conversationId`? Rejects with UnavailableError (503) when it cannot be decided. */
export type MembershipCheck = (conversationId: string, userId: string) => Promise<boolean>;

/** Ask the directory over NATS (`cl.rpc.directory.v1.membership`). */
export function createDirectoryMembership(nats: () => Nats): MembershipCheck {
  return async (conversationId, userId) => {
    try {
      const { member } = await callRpc(nats(), rpc.directoryMembership, { conversationId, userId });
      return member;
    } catch (err) {
      // The directory answering not_found means "no such conversation": the same answer as "not a member".
      if (err instanceof AppError && err.code === 'not_found') return false;
      // Anything else (no responders, timeout, a failure inside the directory) means we cannot decide.
      throw new UnavailableError('membership check unavailable', { cause: err });
    }
  };
}
