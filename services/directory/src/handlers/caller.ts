import { UnauthorizedError, UnavailableError, userOf, type FastifyRequest } from '@cipherlink/kit';
import { userFromClaims } from '../domain/user-from-claims';
import type { DirectoryStore } from '../store/directory-store';

/**
 * The caller's user id (lowercase), with their own directory row ensured (see `userFromClaims` for why): routes that
 * write rows referencing the caller use it.
 */
export function callerResolver(store: DirectoryStore): (req: FastifyRequest) => Promise<string> {
  return async (req) => {
    const claims = userOf(req);
    const user = userFromClaims(claims);
    const result = user && (await store.users.upsert(user));
    // Deleted accounts have no tokens left (their sessions are on the deny-list); this is the belt to those braces.
    if (result === 'deleted') throw new UnauthorizedError('account deleted');
    // The name still belongs to a deleted account whose removal has not been applied yet: moments away.
    if (result === 'username_taken') throw new UnavailableError('account is being set up, retry shortly');
    return claims.sub.toLowerCase();
  };
}
