import {
  authGuard,
  NotFoundError,
  parseOrThrow,
  userOf,
  type AccessTokenVerifier,
  type FastifyPluginAsync,
  type RateLimiter,
} from '@cipherlink/kit';
import { HistoryParams, HistoryQuery, type HistoryResponse } from '@cipherlink/proto';
import type { MessageStore } from '../store/message-store';
import type { MembershipCheck } from './directory-membership';

export interface HistoryRouteDeps {
  verifier: AccessTokenVerifier;
  /** The per-user API budget shared by every service ('api'); each request spends one point. */
  apiLimiter: RateLimiter;
  store: MessageStore;
  isMember: MembershipCheck;
}

/**
 * `GET /api/messages/:conversationId?afterSeq=&limit=`: a member's ciphertext history, in seq order.
 * Non-members get the same 404 as an unknown conversation so ids cannot be probed.
 */
export function historyRoutes(deps: HistoryRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/messages/:conversationId', { preHandler: authGuard(deps.verifier, { perUser: deps.apiLimiter }) }, async (req): Promise<HistoryResponse> => {
      const { conversationId } = parseOrThrow(HistoryParams, req.params, 'path');
      const { afterSeq, limit } = parseOrThrow(HistoryQuery, req.query, 'query');
      const user = userOf(req);
      if (!(await deps.isMember(conversationId, user.sub))) throw new NotFoundError('conversation not found');
      const page = await deps.store.history(conversationId, afterSeq, limit);
      req.log.debug({ conversationId, afterSeq, count: page.messages.length, hasMore: page.hasMore }, 'history read');
      return page;
    });
  };
}
