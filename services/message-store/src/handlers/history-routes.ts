import { AppError, authGuard, callRpc, parseOrThrow, UnavailableError, userOf, NotFoundError, type AccessTokenVerifier, type FastifyPluginAsync, type Nats } from '@cipherlink/kit';
import { HistoryParams, HistoryQuery, rpc, type HistoryResponse } from '@cipherlink/proto';
import type { MessageStore } from '../store/message-store';

export interface HistoryRouteDeps {
  verifier: AccessTokenVerifier;
  store: MessageStore;
  /** The NATS connection, available once the service has started (routes are registered after start). */
  nats: () => Nats;
}

/**
 * `GET /api/messages/:conversationId?afterSeq=&limit=`: a member's ciphertext history, in seq order.
 * Non-members get the same 404 as an unknown conversation so ids cannot be probed.
 */
export function historyRoutes(deps: HistoryRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/messages/:conversationId', { preHandler: authGuard(deps.verifier) }, async (req): Promise<HistoryResponse> => {
      const { conversationId } = parseOrThrow(HistoryParams, req.params, 'path');
      const { afterSeq, limit } = parseOrThrow(HistoryQuery, req.query, 'query');
      const user = userOf(req);
      if (!(await isMember(deps.nats(), conversationId, user.sub))) throw new NotFoundError('conversation not found');
      const page = await deps.store.history(conversationId, afterSeq, limit);
      req.log.debug({ conversationId, afterSeq, count: page.messages.length, hasMore: page.hasMore }, 'history read');
      return page;
    });
  };
}

async function isMember(nats: Nats, conversationId: string, userId: string): Promise<boolean> {
  try {
    const { member } = await callRpc(nats, rpc.directoryMembership, { conversationId, userId });
    return member;
  } catch (err) {
    // The directory answering not_found means "no such conversation": the same answer as "not a member".
    if (err instanceof AppError && err.code === 'not_found') return false;
    // Anything else (no responders, timeout, a failure inside the directory) means we cannot decide: 503.
    throw new UnavailableError('membership check unavailable', { cause: err });
  }
}
