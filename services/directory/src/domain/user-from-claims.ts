import { type AccessTokenClaims, type PublicUser, Username } from '@cipherlink/proto';

/**
 * The directory user described by a verified access token, or undefined when its `name` is not a valid username.
 *
 * Users normally arrive through auth's `user-registered` event, but a client registers its device right after its
 * first login, possibly before that event is consumed. The token is signed by auth, so its subject and name are
 * as authoritative as the event and let the caller's own row be created on demand.
 */
export function userFromClaims(claims: Pick<AccessTokenClaims, 'sub' | 'name'>): PublicUser | undefined {
  const username = Username.safeParse(claims.name);
  return username.success ? { id: claims.sub.toLowerCase(), username: username.data } : undefined;
}
